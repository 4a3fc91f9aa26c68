/** The picture format of a project: frame rate and pixel size per aspect ratio (one home for both). */
import type { AspectRatio } from "../core/types.ts";

/** Frame rate of clips from providers that do not choose their own, and of exports. */
export const VIDEO_FPS = 24;

/** Pixel size of images, videos and exports for a project's aspect ratio (providers may round it). */
export function frameSize(aspectRatio: AspectRatio): { width: number; height: number } {
  return aspectRatio === "9:16" ? { width: 720, height: 1280 } : { width: 1280, height: 720 };
}
