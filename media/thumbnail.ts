/**
 * Thumbnails for cards: a small JPEG made with ffmpeg when an image or video part is done, so a
 * storyboard of hundreds of scenes loads kilobytes per card instead of the full PNG. A video's
 * thumbnail is its first frame (it doubles as the player's poster).
 */
import { runFfmpeg } from "../providers/ffmpeg.ts";

/** Width of a landscape thumbnail in pixels (portrait ones get the same height). */
export const THUMB_SIZE = 320;

/** A generated file up to this size needs no thumbnail: the card shows the original. */
export const THUMB_MAX_BYTES = 30_000;

/**
 * Writes a JPEG thumbnail of the image or video at `source` to `outPath` (at most THUMB_SIZE on
 * its longer side, about 10–25 KB). Throws a ProviderError when ffmpeg cannot read the source.
 */
export async function makeThumbnail(source: string, outPath: string, signal?: AbortSignal): Promise<void> {
  const part = `${outPath}.part.jpg`;
  try {
    await runFfmpeg([
      "-v",
      "error",
      "-i",
      source,
      "-frames:v",
      "1",
      "-vf",
      `scale='if(gt(iw,ih),${THUMB_SIZE},-2)':'if(gt(iw,ih),-2,${THUMB_SIZE})'`,
      "-q:v",
      "5",
      "-y",
      part,
    ], { signal, task: "make a thumbnail", timeoutMs: 30_000 });
    await Deno.rename(part, outPath);
  } catch (error) {
    await Deno.remove(part).catch(() => {});
    throw error;
  }
}
