/**
 * How many frames a generated clip should have so it covers its narration (pure): the workflow's
 * frame grid (Wan 2.2: 4k + 1 frames at 16 fps), at least the narration's length, at most what the
 * model handles. A longer narration gets the longest clip; the export then slows or holds it
 * (media/export/plan.ts).
 */

/** A video workflow's frame rules. */
export interface FrameGrid {
  fps: number;
  /** Frame counts allowed: `step * k + offset` (Wan: step 4, offset 1; any count: step 1, offset 0). */
  step: number;
  offset: number;
  /** Fewest and most frames the workflow makes. */
  minFrames: number;
  maxFrames: number;
}

/**
 * The frame count for a clip under `narrationMs` of narration: the smallest count on the grid that
 * lasts at least that long, within the workflow's limits.
 *
 * @example
 * clipFramesFor(5000, { fps: 16, step: 4, offset: 1, minFrames: 17, maxFrames: 81 }) // 81 (5.06 s)
 * clipFramesFor(2000, { fps: 16, step: 4, offset: 1, minFrames: 17, maxFrames: 81 }) // 33 (2.06 s)
 */
export function clipFramesFor(narrationMs: number, grid: FrameGrid): number {
  const { fps, step, offset, minFrames, maxFrames } = grid;
  const onGrid = (frames: number) => offset + step * Math.ceil(Math.max(0, frames - offset) / step);
  const needed = onGrid(Math.ceil((Math.max(0, narrationMs) * fps) / 1000 - 1e-9));
  const lowest = onGrid(minFrames);
  const highest = offset + step * Math.floor((maxFrames - offset) / step);
  return Math.min(highest, Math.max(lowest, needed));
}
