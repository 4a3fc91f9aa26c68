import assert from "node:assert/strict";
import { clipFramesFor, type FrameGrid } from "./clip_length.ts";

const WAN: FrameGrid = { fps: 16, step: 4, offset: 1, minFrames: 17, maxFrames: 81 };
const DRAFT: FrameGrid = { fps: 24, step: 1, offset: 0, minFrames: 24, maxFrames: 24 * 20 };

const cases: [string, number, FrameGrid, number][] = [
  ["Wan: 2 s of narration → 33 frames (2.06 s)", 2000, WAN, 33],
  ["Wan: exactly on the grid", 2000 + 1000 / 16, WAN, 33],
  ["Wan: one frame more moves up a step", 2070, WAN, 37],
  ["Wan: short narration → the shortest clip", 300, WAN, 17],
  ["Wan: long narration → capped at 81 frames", 9000, WAN, 81],
  ["Wan: no narration → the shortest clip", 0, WAN, 17],
  ["draft: any frame count, rounded up", 3010, DRAFT, 73],
  ["a maximum off the grid is brought onto it", 9000, { ...WAN, maxFrames: 80 }, 77],
];
for (const [name, ms, grid, want] of cases) {
  Deno.test(`clip length: ${name}`, () => assert.equal(clipFramesFor(ms, grid), want));
}
