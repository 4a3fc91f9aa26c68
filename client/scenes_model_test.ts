import assert from "node:assert/strict";
import { effect } from "@preact/signals";
import type { SceneUpdate } from "../core/types.ts";
import { createScenesModel, IDLE } from "./scenes_model.ts";

const idle = IDLE;
const failed = (error: string) => ({ ...IDLE, status: "failed" as const, error });
const update = (over: Partial<SceneUpdate>): SceneUpdate => ({
  sentenceId: 11,
  part: "image",
  ...IDLE,
  status: "queued",
  updatedAt: "2025-01-01T00:00:00.000Z",
  durationMs: null,
  take: null,
  ...over,
});

Deno.test("a card seeds its scene; events move it on; the written video prompt arrives", () => {
  const scenes = createScenesModel();
  const scene = scenes.scene(11, { number: 1, image: idle, video: idle, audio: idle });
  assert.equal(scenes.scene(11), scene, "every reader gets the same signals");
  scenes.apply(update({ status: "running" }));
  assert.deepEqual(scene.image.value, { ...idle, status: "running", attempts: 0 });
  scenes.apply(update({ status: "done", url: "/media/a.png" }));
  scenes.apply(update({ part: "video", status: "running", videoPrompt: "Slow push-in." }));
  assert.deepEqual(scene.image.value, { ...idle, status: "done", url: "/media/a.png" });
  assert.equal(scene.video.value.status, "running");
  assert.equal(scene.videoPrompt.value, "Slow push-in.");
  // A card hydrating again (same props) does not undo what the stream brought.
  scenes.scene(11, { number: 1, image: idle, video: idle, audio: idle });
  assert.equal(scene.image.peek().status, "done");
});

Deno.test("updates that are not ours change nothing", () => {
  const scenes = createScenesModel();
  const scene = scenes.scene(11, { number: 1, image: idle, video: idle, audio: idle });
  for (const bad of [null, {}, { sentenceId: "11" }, update({ part: "audio" as never, status: "done" })]) {
    scenes.apply(bad as SceneUpdate);
  }
  assert.deepEqual([scene.image.value, scene.video.value], [idle, idle]);
});

Deno.test("failures: every failed part of the page, in scene order, live", async () => {
  const scenes = createScenesModel();
  const counts: number[] = [];
  const stop = effect(() => void counts.push(scenes.count.value));
  // A reader may ask for a scene before its card registered: the card's state then wins.
  scenes.scene(30);
  scenes.scene(30, { number: 3, image: failed("no model"), video: idle, audio: idle });
  scenes.scene(10, { number: 1, image: idle, video: idle, audio: idle });
  scenes.scene(20, {
    number: 2,
    image: { ...idle, status: "done", url: "/m.png" },
    video: failed("timeout"),
    audio: idle,
  });
  await Promise.resolve();
  assert.deepEqual(counts, [0, 3], "registrations are announced once, after the burst");
  stop();
  assert.deepEqual(scenes.failures.value, [
    { sentenceId: 20, number: 2, part: "video", error: "timeout" },
    { sentenceId: 30, number: 3, part: "image", error: "no model" },
  ]);
  scenes.apply(update({ sentenceId: 30, status: "queued" }));
  scenes.apply(update({ sentenceId: 10, status: "failed", error: "[fail]", attempts: 1 }));
  assert.deepEqual(scenes.failures.value.map((f) => [f.number, f.part]), [[1, "image"], [2, "video"]]);
});
