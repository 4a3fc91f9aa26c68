/**
 * The file names a creator gets when downloading media: `scene-007-image.png`,
 * `scene-007-video.mp4`, `scene-007-narration.m4a` — by scene number, so a folder of downloads (or
 * the project's zip) lists the scenes in order. Pure: the card's download links (in the browser)
 * and the zip route name files the same way.
 */
import type { PartName } from "../types.ts";

/** The word for each part in a file name. */
const PART_WORDS: Readonly<Record<PartName, string>> = { image: "image", video: "video", audio: "narration" };

/**
 * The download name of scene `number`'s `part`, with the extension of the stored file (`path` or
 * its URL). `digits` pads the number (at least 3), so names sort in scene order: give the digits of
 * the project's last scene number when naming a whole project.
 *
 * @example
 * mediaFileName(7, "image", "/media/projects/1/sentences/9/image-20250101T120000Z-1a2b.png"); // "scene-007-image.png"
 * mediaFileName(7, "video", "x/video-1.mp4", 4); // "scene-0007-video.mp4"
 */
export function mediaFileName(number: number, part: PartName, path: string, digits = 3): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot).toLowerCase() : "";
  return `scene-${String(number).padStart(Math.max(3, digits), "0")}-${PART_WORDS[part]}${ext}`;
}

/**
 * The download name of a project's media zip, from its title: lowercase letters and digits joined
 * by dashes (so every browser and file system takes it), `project-media.zip` when nothing is left.
 *
 * @example
 * projectZipName("The Lighthouse Keeper (demo)"); // "the-lighthouse-keeper-demo-media.zip"
 */
export function projectZipName(title: string): string {
  const slug = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  return `${slug || "project"}-media.zip`;
}
