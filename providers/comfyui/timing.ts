/**
 * Clip length and picture size on a workflow's grid (pure). Wan 2.2 makes `4k + 1` frames (one
 * latent frame per four video frames, plus the first) at the workflow's own frame rate, and its
 * width and height must be multiples of 16 or 32: ComfyUI does not enforce either (it floors in
 * latent space), so the app rounds before submitting and reports what it really asked for.
 */
import type { VideoTiming } from "../types.ts";

/** The frame grid of a video workflow. */
export interface FrameGrid {
  /** Frames per second the workflow encodes at. */
  fps: number;
  /** Most frames the model handles well (a 4k+1 number). */
  maxFrames: number;
}

/** The shortest clip a workflow makes: one latent step after the first frame. */
export const MIN_FRAMES = 5;

/**
 * The frame count nearest to `seconds × fps` on the 4k+1 grid (ties round up), between
 * {@link MIN_FRAMES} and the grid's `maxFrames`, and what the clip then lasts.
 *
 * @example
 * clipTiming(5, { fps: 16, maxFrames: 81 }); // { frames: 81, fps: 16, seconds: 5.0625 }
 * clipTiming(5, { fps: 24, maxFrames: 121 }); // { frames: 121, fps: 24, seconds: 5.041666… }
 */
export function clipTiming(seconds: number, grid: FrameGrid): VideoTiming {
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    throw new RangeError(`A clip must last a positive number of seconds, not ${seconds}.`);
  }
  const max = Math.max(MIN_FRAMES, Math.floor((grid.maxFrames - 1) / 4) * 4 + 1);
  const steps = Math.round((seconds * grid.fps) / 4);
  const frames = Math.min(max, Math.max(MIN_FRAMES, steps * 4 + 1));
  return { frames, fps: grid.fps, seconds: frames / grid.fps };
}

/** The picture sizes a workflow works at. */
export interface SizeRule {
  /** Width and height are rounded to multiples of this. */
  multiple: number;
  /** The model's preferred landscape size; portrait swaps it, other ratios keep its pixel count. */
  landscape: { width: number; height: number };
}

/**
 * The size to ask the model for, for a picture of `width`×`height` (the project's aspect ratio):
 * the model's own size for 16:9 and 9:16, else the same pixel count at that ratio, rounded to the
 * model's multiple.
 *
 * @example
 * sizeForAspect(1280, 720, { multiple: 32, landscape: { width: 1280, height: 704 } }); // 1280×704
 * sizeForAspect(720, 1280, { multiple: 32, landscape: { width: 1280, height: 704 } }); // 704×1280
 */
export function sizeForAspect(width: number, height: number, rule: SizeRule): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new RangeError(`A picture needs a positive size, not ${width}×${height}.`);
  const ratio = width / height;
  const { landscape, multiple } = rule;
  const own = landscape.width / landscape.height;
  if (Math.abs(ratio - 16 / 9) < 0.02 || Math.abs(ratio - own) < 0.01) return { ...landscape };
  if (Math.abs(ratio - 9 / 16) < 0.01 || Math.abs(ratio - 1 / own) < 0.01) {
    return { width: landscape.height, height: landscape.width };
  }
  const area = landscape.width * landscape.height;
  const round = (n: number) => Math.max(multiple, Math.round(n / multiple) * multiple);
  return { width: round(Math.sqrt(area * ratio)), height: round(Math.sqrt(area / ratio)) };
}
