/**
 * Where generated media lives: $STUDIO_DATA_DIR/media/projects/<projectId>/sentences/<sentenceId>/,
 * served at /media/… (routes/media.ts). Every generation gets a new, unique file name, so a file a
 * browser may be showing (and caching for good) is never overwritten; the database stores the path
 * relative to the media folder and {@link mediaUrl} turns it into a URL.
 */
import { join, resolve, sep } from "node:path";
import type { PartName } from "../core/types.ts";

/** The folder /media/* serves. */
export function mediaRoot(dataDir: string): string {
  return resolve(dataDir, "media");
}

/** A file reserved for one generation. */
export interface MediaFile {
  /** Path relative to the media folder, with forward slashes: what image_path/video_path store. */
  relative: string;
  /** Absolute path the provider writes to. */
  absolute: string;
}

const EXTENSIONS: Record<PartName, string> = { image: "png", video: "mp4", audio: "m4a" };

/**
 * Reserves a new file name for a scene part and creates its folder. The name carries the time and
 * a random suffix (`image-20250101T120000Z-1a2b3c4d.png`), so it is unique and sorts by age;
 * `options` name other files of the part (e.g. `{ label: "image-thumb", ext: "jpg" }`).
 */
export async function newMediaFile(
  dataDir: string,
  target: { projectId: number; sentenceId: number; part: PartName },
  options: { ext?: string; label?: string } = {},
): Promise<MediaFile> {
  const folder = ["projects", String(target.projectId), "sentences", String(target.sentenceId)];
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const ext = options.ext ?? EXTENSIONS[target.part];
  const name = `${options.label ?? target.part}-${stamp}-${crypto.randomUUID().slice(0, 8)}.${ext}`;
  const dir = join(mediaRoot(dataDir), ...folder);
  await Deno.mkdir(dir, { recursive: true });
  return { relative: [...folder, name].join("/"), absolute: join(dir, name) };
}

/** The absolute path of a stored relative media path; throws if it would leave the media folder. */
export function mediaPath(dataDir: string, relative: string): string {
  const root = mediaRoot(dataDir);
  const path = resolve(root, relative);
  if (!path.startsWith(root + sep)) {
    throw new Error(`The media path ${JSON.stringify(relative)} leaves the media folder.`);
  }
  return path;
}

/** Deletes a file a generation wrote but that will not be used (cancelled, superseded); best effort. */
export async function discardMediaFile(absolute: string): Promise<void> {
  await Deno.remove(absolute).catch(() => {});
}

/**
 * The URL a stored media path is served at.
 * @example mediaUrl("projects/1/sentences/2/image-x.png") // "/media/projects/1/sentences/2/image-x.png"
 */
export function mediaUrl(path: string | null): string | null {
  return path === null ? null : `/media/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * Deletes a folder under the media root and everything in it (a deleted project's media); a
 * folder that is not there is fine. Throws for a path that would leave the media folder.
 */
export async function removeMediaFolder(dataDir: string, relative: string): Promise<void> {
  await Deno.remove(mediaPath(dataDir, relative), { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/**
 * Reserves the file of a project's export (`projects/<id>/exports/export-<exportId>-<stamp>.mp4`);
 * its captions go beside it under the same name (.srt, .vtt), and all go with the project.
 */
export async function newExportFile(dataDir: string, projectId: number, exportId: number): Promise<MediaFile> {
  const folder = ["projects", String(projectId), "exports"];
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const name = `export-${exportId}-${stamp}.mp4`;
  const dir = join(mediaRoot(dataDir), ...folder);
  await Deno.mkdir(dir, { recursive: true });
  return { relative: [...folder, name].join("/"), absolute: join(dir, name) };
}
