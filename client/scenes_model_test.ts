import assert from "node:assert/strict";
import { effect } from "@preact/signals";
import type { SceneUpdate, SentenceView } from "../core/types.ts";
import { createScenesModel, IDLE, promptChanged } from "./scenes_model.ts";

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
  const texts = { text: "The keeper climbs.", imagePrompt: "The keeper climbs.", videoPrompt: "" };
  const scene = scenes.scene(11, { number: 1, image: idle, video: idle, audio: idle, texts });
  assert.equal(scenes.scene(11), scene, "every reader gets the same signals");
  scenes.apply(update({ status: "running" }));
  assert.deepEqual(scene.image.value, { ...idle, status: "running", attempts: 0 });
  scenes.apply(update({ status: "done", url: "/media/a.png" }));
  scenes.apply(update({ part: "video", status: "running", videoPrompt: "Slow push-in." }));
  assert.deepEqual(scene.image.value, { ...idle, status: "done", url: "/media/a.png" });
  assert.equal(scene.video.value.status, "running");
  assert.deepEqual(scene.texts.value, { ...texts, videoPrompt: "Slow push-in." });
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

const take = (prompt: string) => ({
  id: 1,
  url: "/media/a.png",
  thumbUrl: null,
  prompt,
  seed: 7,
  durationMs: null,
  createdAt: "2025-01-01T00:00:00.000Z",
});

Deno.test("'Prompt changed': a take made from another prompt than the scene's current one", () => {
  const texts = { text: "Text.", imagePrompt: "A red door", videoPrompt: "" };
  const cases: [Parameters<typeof promptChanged>, boolean][] = [
    [["image", { outdated: true, take: take("A blue door") }, texts], true],
    [["image", { outdated: true, take: take("A red door") }, texts], false], // out of date for another reason
    [["image", { outdated: false, take: take("A blue door") }, texts], false],
    [["image", { outdated: true, take: null }, texts], false],
    // An empty video prompt is written when the video is made: not a change.
    [["video", { outdated: true, take: take("Slow push-in.") }, texts], false],
    [["video", { outdated: true, take: take("Slow push-in.") }, { ...texts, videoPrompt: "Pan left." }], true],
    [["audio", { outdated: true, take: take("Old text.") }, texts], true],
  ];
  for (const [args, expected] of cases) assert.equal(promptChanged(...args), expected, JSON.stringify(args));
});

Deno.test("a sentence edit brings new words and the parts' states; scene events judge against the new words", () => {
  const scenes = createScenesModel();
  const done = { ...IDLE, status: "done" as const, url: "/media/a.png", takes: 1 };
  const scene = scenes.scene(11, {
    number: 1,
    image: done,
    video: idle,
    audio: idle,
    texts: { text: "Old.", imagePrompt: "Old.", videoPrompt: "" },
  });
  const part = (over: Partial<SentenceView["image"]>) => ({ ...update({}), ...IDLE, take: null, ...over });
  scenes.applySentence({
    id: 11,
    projectId: 7,
    sectionId: 3,
    number: 1,
    text: "New words.",
    imagePrompt: "New words.",
    videoPrompt: "",
    image: part({ status: "done", url: "/media/a.png", outdated: true, take: take("Old."), takes: 1 }),
    video: part({}),
    audio: part({}),
  });
  assert.deepEqual(scene.texts.value, { text: "New words.", imagePrompt: "New words.", videoPrompt: "" });
  assert.equal(scene.image.value.outdated, true);
  assert.equal(scene.image.value.promptChanged, true);
  // The new take, made from the new prompt.
  scenes.apply(update({ status: "done", url: "/media/b.png", outdated: false, take: take("New words."), takes: 2 }));
  assert.deepEqual([scene.image.value.promptChanged, scene.image.value.takes], [false, 2]);
  // Picking the earlier take: out of date again, from its prompt.
  scenes.apply(update({ status: "done", url: "/media/a.png", outdated: true, take: take("Old."), takes: 2 }));
  assert.equal(scene.image.value.promptChanged, true);
  for (const bad of [null, {}, { id: "11" }]) scenes.applySentence(bad as unknown as SentenceView);
  assert.equal(scene.texts.value?.text, "New words.");
});

Deno.test("tally: scenes Generate All would make and remake; scenes in order", async () => {
  const scenes = createScenesModel();
  const done = { ...IDLE, status: "done" as const, url: "/m" };
  scenes.scene(30, { number: 3, image: done, video: done, audio: idle });
  scenes.scene(10, { number: 1, image: idle, video: idle, audio: idle });
  scenes.scene(20, { number: 2, image: { ...done, outdated: true }, video: { ...done, outdated: true }, audio: idle });
  scenes.scene(40); // asked for by a reader, no card (yet): not in the order
  await Promise.resolve();
  assert.deepEqual(scenes.tally.value, { missing: 1, outdated: 1, media: 2 });
  assert.deepEqual(scenes.ordered().map((s) => s.sentenceId), [10, 20, 30]);
  scenes.apply(update({ sentenceId: 20, status: "done", url: "/n", outdated: false, take: null }));
  scenes.apply(update({ sentenceId: 20, part: "video", status: "done", url: "/n", outdated: false, take: null }));
  assert.deepEqual(scenes.tally.value, { missing: 1, outdated: 0, media: 2 });
});

Deno.test("with the page's scene index, counts and failures cover scenes without cards", async () => {
  // New scenes' signals reach the derived lists after the burst (a microtask), as cards do.
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));
  const scenes = createScenesModel();
  // Scenes 10, 11, 12: 10 done (narrated), 11 image failed, 12 nothing (video prompt empty).
  scenes.seedIndex({
    ids: "10-12",
    parts: "4" + "2" + "0",
    notes: "1" + "0" + "2",
    failures: [{ id: 11, part: "image", error: "Out of memory.", text: "The keeper climbs." }],
    hasMedia: true,
  });
  assert.ok(scenes.count.value > 0, "the toolbar reads the model's counts");
  assert.deepEqual(scenes.failures.value, [{ sentenceId: 11, number: 2, part: "image", error: "Out of memory." }]);
  assert.deepEqual(scenes.tally.value, { missing: 2, outdated: 0, media: 1 });
  assert.equal(scenes.failedText(11), "The keeper climbs.");
  assert.deepEqual(scenes.narration(), { missing: 2, busy: false });
  assert.equal(scenes.emptyVideoPrompts(), 1);

  // An event for a scene without a card starts from its indexed state.
  scenes.apply(update({ sentenceId: 11, part: "image", status: "done", url: "/media/11.png" }));
  await settled();
  assert.deepEqual(scenes.failures.value, []);
  assert.deepEqual(scenes.tally.value, { missing: 2, outdated: 0, media: 2 });
  scenes.applyBulk({ sentenceIds: [10], part: "video", status: "queued" } as never);
  await settled();
  assert.equal(scenes.scene(10).image.value.status, "done", "a bulk change keeps the other part");
  assert.deepEqual(scenes.tally.value.missing, 3);
  scenes.apply(update({ sentenceId: 12, part: "audio", status: "running" }));
  await settled();
  assert.deepEqual(scenes.narration(), { missing: 2, busy: true });
  scenes.apply(update({ sentenceId: 12, part: "video", status: "running", videoPrompt: "Slow push-in." }));
  assert.equal(scenes.emptyVideoPrompts(), 0);

  // Its card loaded later: what the stream brought stays, and the card's words replace the partial ones.
  const texts = { text: "Third.", imagePrompt: "Third.", videoPrompt: "Slow push-in." };
  const scene = scenes.scene(12, { number: 3, image: idle, video: idle, audio: idle, texts });
  assert.equal(scene.video.value.status, "running");
  assert.deepEqual(scene.texts.value, texts);
});
