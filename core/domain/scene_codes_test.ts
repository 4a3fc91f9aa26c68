import assert from "node:assert/strict";
import { codedStatus, decodeParts, encodeParts, packIds, unpackIds } from "./scene_codes.ts";

Deno.test("ids pack as runs and unpack in the same order", () => {
  for (
    const ids of [[], [7], [7, 8, 9, 12], [5, 6, 1, 2, 9], [3, 2, 1], Array.from({ length: 20_000 }, (_, i) => i + 100)]
  ) {
    assert.deepEqual(unpackIds(packIds(ids)), ids);
  }
  assert.equal(packIds([7, 8, 9, 12]), "7-9,12");
  assert.equal(packIds(Array.from({ length: 20_000 }, (_, i) => i + 100)), "100-20099");
  // Pieces that are not runs of ids are skipped, not trusted.
  assert.deepEqual(unpackIds("1-3,x,9-7,4"), [1, 2, 3, 4]);
});

Deno.test("a scene's parts code holds both statuses and both outdated flags", () => {
  for (const image of ["other", "done", "failed"] as const) {
    for (const video of ["other", "done", "failed"] as const) {
      for (const imageOutdated of [false, true]) {
        for (const videoOutdated of [false, true]) {
          const code = { image, video, imageOutdated, videoOutdated };
          const c = encodeParts(code);
          assert.equal(c.length, 1);
          assert.deepEqual(decodeParts(c), code);
        }
      }
    }
  }
  assert.equal(codedStatus("running"), "other");
  assert.equal(codedStatus("failed"), "failed");
  assert.deepEqual(decodeParts("?"), { image: "other", video: "other", imageOutdated: false, videoOutdated: false });
});
