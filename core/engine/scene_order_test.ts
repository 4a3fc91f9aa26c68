import assert from "node:assert/strict";
import { imagesFirst, type SceneOrder } from "./scene_order.ts";

Deno.test("imagesFirst: auto holds videos only when both kinds share one GPU server", () => {
  const cases: [SceneOrder, string | null, string | null, boolean][] = [
    ["auto", "http://gpu:8188", "http://gpu:8188", true],
    ["auto", "http://gpu1:8188", "http://gpu2:8188", false],
    ["auto", null, null, false],
    ["auto", "http://gpu:8188", null, false],
    ["overlap", "http://gpu:8188", "http://gpu:8188", false],
    ["images-first", null, null, true],
    ["images-first", "http://a", "http://b", true],
  ];
  for (const [order, image, video, expected] of cases) {
    assert.equal(imagesFirst(order, image, video), expected, `${order} ${image} ${video}`);
  }
});
