/**
 * The fake ComfyUI's folders (`output/`, `input/`, `temp/` in a temporary directory) with ComfyUI's
 * rules: saved files are `<prefix>_<counter:05>_.<ext>` in the prefix's subfolder; uploads without
 * overwrite reuse an identical file or take `name (1).png`; `/view` rejects `..` and absolute names
 * (400), subfolders that escape (403), and missing files (404). Media are real: a PNG from the
 * project's encoder and an H.264 MP4 from the simulated provider's fixtures.
 */
import { join, normalize, resolve, sep } from "node:path";
import { decodeBase64 } from "../../../providers/fixtures/base64.ts";
import { LANDSCAPE_MP4_BASE64, PORTRAIT_MP4_BASE64 } from "../../../providers/fixtures/simulated_media.ts";
import { encodeFlatPng } from "../../../providers/simulated.ts";

const LANDSCAPE_MP4 = decodeBase64(LANDSCAPE_MP4_BASE64);
const PORTRAIT_MP4 = decodeBase64(PORTRAIT_MP4_BASE64);

/** The three base folders. */
export type FolderType = "output" | "input" | "temp";

/** A file a save node wrote, as `/history` lists it. */
export interface SavedFile {
  filename: string;
  subfolder: string;
  type: FolderType;
}

/** The fake's file folders. */
export class FileStore {
  private constructor(readonly root: string) {}

  /** Makes the folders in a fresh temporary directory. */
  static async create(): Promise<FileStore> {
    const root = await Deno.makeTempDir({ prefix: "fake-comfyui-" });
    for (const type of ["output", "input", "temp"]) await Deno.mkdir(join(root, type));
    return new FileStore(root);
  }

  /** Deletes everything. */
  async remove(): Promise<void> {
    await Deno.remove(this.root, { recursive: true }).catch(() => {});
  }

  /** Names of the uploaded images (LoadImage's options). */
  inputFiles(): string[] {
    const names: string[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const entry of Deno.readDirSync(dir)) {
        if (entry.isDirectory) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
        else names.push(`${prefix}${entry.name}`);
      }
    };
    walk(join(this.root, "input"), "");
    return names.sort();
  }

  /** Writes a PNG (`kind` image) or an MP4 for a save node with `prefix` (`video/ComfyUI` → subfolder video). */
  async save(
    prefix: string,
    kind: "png" | "mp4" | "webm" | "webp",
    size: { width: number; height: number },
  ): Promise<SavedFile> {
    const parts = prefix.split("/");
    const base = parts.pop() || "ComfyUI";
    const subfolder = parts.join("/");
    const dir = join(this.root, "output", subfolder);
    await Deno.mkdir(dir, { recursive: true });
    let counter = 1;
    for (const entry of Deno.readDirSync(dir)) {
      const match = entry.name.match(/^(.*)_(\d{5})_\.\w+$/);
      if (match && match[1] === base) counter = Math.max(counter, Number(match[2]) + 1);
    }
    const filename = `${base}_${String(counter).padStart(5, "0")}_.${kind}`;
    await Deno.writeFile(join(dir, filename), mediaBytes(kind, size));
    return { filename, subfolder, type: "output" };
  }

  /** `/upload/image`: stores `bytes` as `name` (ComfyUI's rename rules), returns the name used. */
  async upload(
    name: string,
    bytes: Uint8Array,
    type: FolderType,
    subfolder: string,
    overwrite: boolean,
  ): Promise<string> {
    const dir = this.within(type, subfolder);
    if (!dir) throw new Error("bad subfolder");
    await Deno.mkdir(dir, { recursive: true });
    let candidate = name;
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    for (let i = 1; !overwrite; i++) {
      const existing = await Deno.readFile(join(dir, candidate)).catch(() => undefined);
      if (!existing) break;
      if (existing.length === bytes.length && existing.every((b, j) => b === bytes[j])) return candidate;
      candidate = `${stem} (${i})${ext}`;
    }
    await Deno.writeFile(join(dir, candidate), bytes);
    return candidate;
  }

  /** The absolute path `/view` serves, or the HTTP status ComfyUI answers instead. */
  viewPath(filename: string, type: string, subfolder: string): string | 400 | 403 | 404 {
    if (!filename) return 404;
    const annotated = filename.match(/^(.*) \[(output|input|temp)\]$/);
    if (annotated) [filename, type] = [annotated[1], annotated[2]];
    if (filename.startsWith("/") || filename.includes("..")) return 400;
    if (!["output", "input", "temp"].includes(type)) return 400;
    const dir = this.within(type as FolderType, subfolder);
    if (!dir) return 403;
    const path = join(dir, filename);
    try {
      return Deno.statSync(path).isFile ? path : 404;
    } catch {
      return 404;
    }
  }

  /** The folder `type/subfolder`, or undefined when the subfolder escapes it. */
  private within(type: FolderType, subfolder: string): string | undefined {
    const base = resolve(this.root, type);
    const dir = resolve(base, normalize(subfolder || "."));
    return dir === base || dir.startsWith(base + sep) ? dir : undefined;
  }
}

/** Bytes of a tiny but real file of `kind`. WebM/WebP are stand-ins with the right magic only. */
export function mediaBytes(kind: "png" | "mp4" | "webm" | "webp", size: { width: number; height: number }): Uint8Array {
  switch (kind) {
    case "png":
      return encodeFlatPng(size.width, size.height, [90, 120, 160]);
    case "mp4":
      return size.height > size.width ? PORTRAIT_MP4 : LANDSCAPE_MP4;
    case "webm":
      return new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]);
    case "webp":
      return new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8L");
  }
}
