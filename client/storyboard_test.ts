import assert from "node:assert/strict";
import { FakeEventSource } from "../tests/helpers/fake_event_source.ts";
import { answering, runSummary as summary } from "../tests/helpers/run_summary.ts";
import { IDLE } from "./scenes_model.ts";
import { createStoryboard, type StoryboardDeps } from "./storyboard.ts";

/** A storyboard on fake browser APIs; `frame()` delivers what the stream received. */
function makeStoryboard(fetch: typeof globalThis.fetch = answering()) {
  let due: (() => void)[] = [];
  const deps: StoryboardDeps = { fetch, EventSource: FakeEventSource.reset(), schedule: (f) => due.push(f) };
  const storyboard = createStoryboard(deps);
  const frame = () => {
    const run = due;
    due = [];
    run.forEach((f) => f());
  };
  return { storyboard, frame };
}

const idle = IDLE;

Deno.test("the stream feeds the models: runs, scene parts and the retries it settles", async () => {
  const { storyboard, frame } = makeStoryboard(answering(Response.json({ run: summary({ id: 2 }) }, { status: 202 })));
  storyboard.connect();
  assert.equal(FakeEventSource.instances.length, 0, "no stream before the page's state is known");
  storyboard.init({ projectId: 7, lastEventId: 40, run: null, serverNow: 0 });
  const scene = storyboard.scenes.scene(11, { number: 1, image: idle, video: idle, audio: idle });
  storyboard.connect();
  const source = FakeEventSource.last;
  assert.equal(source.url, "/api/v1/projects/7/events?lastEventId=40");
  source.open();
  assert.equal(storyboard.connection.value, "open");

  source.send(41, "run.started", summary());
  source.send(42, "scene.updated", { sentenceId: 11, part: "image", status: "failed", url: null, error: "no model" });
  source.send(43, "run.completed", summary({ status: "completed", finishedScenes: 3, failedScenes: 1 }));
  frame();
  assert.equal(scene.image.value.status, "failed");
  assert.equal(storyboard.run.toast.value?.text, "2 generated, 1 failed");
  await Promise.resolve();
  assert.deepEqual(storyboard.scenes.failures.value.map((f) => f.sentenceId), [11]);

  await storyboard.run.retry([11]);
  assert.deepEqual([...storyboard.run.retrying.value], [11]);
  source.send(44, "scene.updated", { sentenceId: 11, part: "image", status: "queued", url: null, error: null });
  frame();
  assert.equal(storyboard.run.retrying.value.size, 0, "queued again: no longer 'retrying'");
  assert.equal(storyboard.scenes.failures.value.length, 0);
});

Deno.test("cancel mid-run: the toast survives a progress event that the stream delivers after the answer", async () => {
  const cancelled = summary({
    status: "cancelled",
    finishedScenes: 3,
    cancelledScenes: 2,
    cancelledAt: "2025-01-01T00:00:09.000Z",
  });
  const { storyboard, frame } = makeStoryboard(answering(Response.json({ run: cancelled, cancelled: 2 })));
  storyboard.init({ projectId: 7, lastEventId: 10, run: summary(), serverNow: 0 });
  storyboard.connect();
  const source = FakeEventSource.last;
  source.open();
  source.send(11, "run.progress", summary({ finishedScenes: 1 }));
  frame();

  await storyboard.run.cancel();
  // Still on its way when the answer came: the worker's step committed just before the cancel.
  source.send(12, "run.progress", summary({ finishedScenes: 2 }));
  frame();
  assert.equal(storyboard.run.run.value?.status, "cancelled");
  assert.equal(storyboard.run.toast.value?.text, "Cancelled — 1 of 3 scenes generated");
  source.send(13, "run.cancelled", cancelled);
  frame();
  assert.equal(storyboard.run.toast.value?.runId, 1);
});

Deno.test("the stream feeds the prompts: sentence.updated sets a scene's prompts, prompts.updated the job", () => {
  const { storyboard, frame } = makeStoryboard();
  storyboard.init({ projectId: 7, lastEventId: 0, run: null, serverNow: 0 });
  const scene = storyboard.scenes.scene(11, { number: 1, image: idle, video: idle, audio: idle });
  storyboard.connect();
  const source = FakeEventSource.last;
  source.open();
  source.send(1, "prompts.updated", {
    jobId: 2,
    status: "active",
    scope: "project",
    sectionId: null,
    total: 3,
    written: 0,
  });
  const part = { ...idle, updatedAt: "2025-01-01T00:00:00.000Z", take: null };
  source.send(2, "sentence.updated", {
    id: 11,
    projectId: 7,
    sectionId: 3,
    number: 1,
    text: "A gull.",
    imagePrompt: "A gull over the sea.",
    videoPrompt: "It glides.",
    image: part,
    video: part,
    audio: part,
  });
  source.send(3, "prompts.updated", {
    jobId: 2,
    status: "active",
    scope: "project",
    sectionId: null,
    total: 3,
    written: 1,
  });
  frame();
  assert.deepEqual(scene.texts.value, {
    text: "A gull.",
    imagePrompt: "A gull over the sea.",
    videoPrompt: "It glides.",
  });
  assert.deepEqual([storyboard.prompts.job.value?.status, storyboard.prompts.job.value?.written], ["active", 1]);
});

Deno.test("edits elsewhere: a sentence's new words go live; a newer structure change makes the page stale", () => {
  const { storyboard, frame } = makeStoryboard();
  storyboard.init({ projectId: 7, lastEventId: 10, run: null, serverNow: 0, updatedAt: "2025-01-01T00:00:05.000Z" });
  const texts = { text: "Old.", imagePrompt: "Old.", videoPrompt: "" };
  const scene = storyboard.scenes.scene(11, { number: 1, image: idle, video: idle, audio: idle, texts });
  storyboard.connect();
  const source = FakeEventSource.last;
  source.open();
  const part = { ...idle, updatedAt: "2025-01-01T00:00:00.000Z", take: null };
  source.send(11, "sentence.updated", {
    id: 11,
    projectId: 7,
    sectionId: 3,
    number: 1,
    text: "New.",
    imagePrompt: "A lighthouse",
    videoPrompt: "",
    image: part,
    video: part,
    audio: part,
  });
  // The page's own edit (it reloaded after it): its event is replayed but is no news.
  source.send(12, "project.updated", { updatedAt: "2025-01-01T00:00:05.000Z", structure: true });
  frame();
  assert.deepEqual(scene.texts.value, { text: "New.", imagePrompt: "A lighthouse", videoPrompt: "" });
  assert.equal(storyboard.stale.value, null);
  source.send(13, "project.updated", { updatedAt: "2025-01-01T00:00:09.000Z", structure: false, settings: true });
  frame();
  assert.equal(storyboard.stale.value, "settings");
  source.send(14, "project.updated", { updatedAt: "2025-01-01T00:00:10.000Z", structure: true });
  source.send(15, "project.updated", { updatedAt: "2025-01-01T00:00:11.000Z", structure: false, settings: true });
  frame();
  assert.equal(storyboard.stale.value, "structure", "scenes moved: the bigger news stays");
});

Deno.test("a card's Regenerate joins the run; the scene is pending until queued; a refusal is thrown", async () => {
  const { storyboard, frame } = makeStoryboard(answering(
    Response.json({ run: summary({ id: 4 }) }, { status: 202 }),
    Response.json({ error: "The image of this scene is being generated." }, { status: 409 }),
  ));
  storyboard.init({ projectId: 7, lastEventId: 0, run: null, serverNow: 0 });
  storyboard.connect();
  const source = FakeEventSource.last;
  source.open();
  assert.equal((await storyboard.run.regenerate(11, ["image", "video"]))?.id, 4);
  assert.equal(storyboard.run.run.value?.id, 4);
  assert.equal(await storyboard.run.regenerate(11, ["image"]), null, "a second ask while pending is ignored");
  source.send(1, "scenes.updated", { part: "image", sentenceIds: [11], status: "queued", phase: null });
  frame();
  assert.equal(storyboard.run.retrying.value.size, 0);
  await assert.rejects(() => storyboard.run.regenerate(11, ["image"]), /being generated/);
  assert.equal(storyboard.run.retrying.value.size, 0);
  assert.equal(storyboard.run.busy.value, null, "the toolbar is not blocked by a card");
});
