import assert from "node:assert/strict";
import { clipTiming, sizeForAspect } from "./timing.ts";

const WAN5 = { fps: 24, maxFrames: 121 };
const WAN14 = { fps: 16, maxFrames: 81 };

Deno.test("seconds become 4k+1 frames at the workflow's fps, capped at its maximum", () => {
  const cases: [number, { fps: number; maxFrames: number }, number][] = [
    [5, WAN5, 121], // FACTS §4.3: 5 s at 24 fps
    [4, WAN5, 97],
    [6, WAN5, 121], // 145 is past the 5B's 121
    [5, WAN14, 81],
    [4, WAN14, 65],
    [6, WAN14, 81], // 97 is past 81
    [4.5, WAN14, 73], // 72 frames → 18 latent steps → 73
    [3.3, WAN5, 81], // 79.2 → 20 steps → 81
    [0.1, WAN5, 5], // never below one latent step
    [5, { fps: 16, maxFrames: 90 }, 81], // a maximum off the grid is floored onto it
  ];
  for (const [seconds, grid, frames] of cases) {
    const timing = clipTiming(seconds, grid);
    assert.equal(timing.frames, frames, `${seconds} s at ${grid.fps} fps`);
    assert.equal((timing.frames - 1) % 4, 0, "on the 4k+1 grid");
    assert.equal(timing.seconds, frames / grid.fps);
    assert.equal(timing.fps, grid.fps);
  }
});

Deno.test("a clip length that is not a positive number is refused with a sentence", () => {
  for (const bad of [0, -1, NaN, Infinity]) {
    assert.throws(() => clipTiming(bad, WAN5), /positive number of seconds/);
  }
});

Deno.test("sizes follow the aspect ratio, rounded to the model's multiple", () => {
  const wan5 = { multiple: 32, landscape: { width: 1280, height: 704 } };
  const wan14 = { multiple: 16, landscape: { width: 832, height: 480 } };
  const sdxl = { multiple: 64, landscape: { width: 1344, height: 768 } };
  const cases: [number, number, typeof wan5, [number, number]][] = [
    [1280, 720, wan5, [1280, 704]],
    [720, 1280, wan5, [704, 1280]],
    [1920, 1080, wan14, [832, 480]],
    [1080, 1920, wan14, [480, 832]],
    [1280, 720, sdxl, [1344, 768]],
    [1024, 1024, wan5, [960, 960]], // square: same pixel count, multiples of 32
    [1000, 750, wan14, [736, 544]], // 4:3
  ];
  for (const [w, h, rule, [width, height]] of cases) {
    const size = sizeForAspect(w, h, rule);
    assert.deepEqual(size, { width, height }, `${w}×${h}`);
    assert.equal(size.width % rule.multiple, 0);
    assert.equal(size.height % rule.multiple, 0);
  }
});
