/**
 * Where generated media lives: $STUDIO_DATA_DIR/media/projects/<projectId>/sentences/<sentenceId>/,
 * served at /media/… (routes/media.ts). Every generation gets a new, unique file name, so a file a
 * browser may be showing (and caching for good) is never overwritten; the database stores the path
 * relative to the media folder and core/domain/projects.ts mediaUrl() turns it into a URL.
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

const EXTENSIONS: Record<PartName, string> = { image: "png", video: "mp4" };

/**
 * Reserves a new file name for a scene part and creates its folder. The name carries the time and
 * a random suffix (`image-20250101T120000Z-1a2b3c4d.png`), so it is unique and sorts by age.
 */
export async function newMediaFile(
  dataDir: string,
  target: { projectId: number; sentenceId: number; part: PartName },
): Promise<MediaFile> {
  const folder = ["projects", String(target.projectId), "sentences", String(target.sentenceId)];
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const name = `${target.part}-${stamp}-${crypto.randomUUID().slice(0, 8)}.${EXTENSIONS[target.part]}`;
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
