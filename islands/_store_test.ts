import assert from "node:assert/strict";
import type { RunSummary, SceneUpdate } from "../core/types.ts";
import { StoryboardStore } from "./_store.ts";

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 1,
    projectId: 7,
    status: "active",
    startedAt: "2025-01-01T00:00:00.000Z",
    finishedAt: null,
    cancelledAt: null,
    totalScenes: 3,
    finishedScenes: 0,
    failedScenes: 0,
    cancelledScenes: 0,
    images: { done: 0, total: 3 },
    videos: { done: 0, total: 3 },
    audio: { done: 0, total: 0 },
    failed: [],
    ...over,
  };
}

/** A stand-in EventSource the test drives by hand. */
class FakeSource extends EventTarget {
  static instances: FakeSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    super();
    FakeSource.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  send(id: number, type: string, data: unknown) {
    const event = { id, projectId: 7, runId: 1, type, data, createdAt: new Date().toISOString() };
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(event), lastEventId: String(id) }));
  }
  fail() {
    this.readyState = 2;
    this.onerror?.();
  }
  close() {
    this.readyState = 2;
  }
}

function makeStore(fetchImpl?: typeof fetch) {
  FakeSource.instances = [];
  const store = new StoryboardStore({
    EventSource: FakeSource as unknown as typeof EventSource,
    fetch: fetchImpl ?? (() => Promise.reject(new Error("no fetch in this test"))),
  });
  return store;
}

Deno.test("one stream from the page's resume point; events applied once, in order", () => {
  const store = makeStore();
  store.init({ projectId: 7, lastEventId: 40, run: null, serverNow: Date.now() });
  const scene = store.scene(11, {
    number: 1,
    image: { status: "idle", url: null, error: null },
    video: { status: "idle", url: null, error: null },
  });
  store.connect();
  store.connect();
  assert.equal(FakeSource.instances.length, 1, "one EventSource per page");
  const source = FakeSource.instances[0];
  assert.equal(source.url, "/api/v1/projects/7/events?lastEventId=40");
  source.open();
  assert.equal(store.connection.value, "open");

  source.send(41, "run.started", summary());
  source.send(42, "scene.updated", { sentenceId: 11, part: "image", status: "running", url: null, error: null });
  assert.equal(scene.image.value.status, "idle", "applied in a batch, not one by one");
  store.flushEvents();
  assert.equal(scene.image.value.status, "running");
  source.send(43, "scene.updated", {
    sentenceId: 11,
    part: "image",
    status: "done",
    url: "/media/a.png",
    error: null,
  });
  // A repeat of an old id is ignored.
  source.send(42, "scene.updated", { sentenceId: 11, part: "image", status: "running", url: null, error: null });
  store.flushEvents();
  assert.deepEqual(scene.image.value, { status: "done", url: "/media/a.png", error: null });
  source.send(44, "scene.updated", {
    sentenceId: 11,
    part: "video",
    status: "running",
    url: null,
    error: null,
    videoPrompt: "Slow push-in.",
  });
  store.flushEvents();
  assert.equal(scene.videoPrompt.value, "Slow push-in.");
  assert.equal(store.lastEventId, 44);
  assert.equal(store.run.value?.status, "active");
  assert.equal(store.announce.value, "Generating 3 scenes.");
  store.disconnect();
});

Deno.test("a toast only when a run seen active ends, once", () => {
  const store = makeStore();
  // A page that loads an ended run shows no toast.
  store.init({ projectId: 7, lastEventId: 0, run: summary({ status: "completed", finishedScenes: 3 }), serverNow: 0 });
  assert.equal(store.toast.value, null);
  store.applyEvent("run.completed", summary({ status: "completed", finishedScenes: 3 }), 1);
  assert.equal(store.toast.value, null);

  store.applyEvent("run.started", summary({ id: 2 }), 2);
  store.applyEvent("run.progress", summary({ id: 2, finishedScenes: 2 }), 3);
  const ended = summary({
    id: 2,
    status: "completed",
    finishedScenes: 3,
    failedScenes: 1,
    finishedAt: "2025-01-01T00:01:00.000Z",
  });
  store.applyEvent("run.progress", ended, 4);
  assert.deepEqual(store.toast.value, { kind: "warning", text: "2 generated, 1 failed", hasFailures: true, runId: 2 });
  assert.equal(store.settling.value?.id, 2, "the full bar stays a moment");
  store.dismissToast();
  store.applyEvent("run.completed", ended, 5);
  assert.equal(store.toast.value, null, "the same ending is not toasted twice");
  // Events of an older run change nothing.
  store.applyEvent("run.progress", summary({ id: 1, finishedScenes: 1 }), 6);
  assert.equal(store.run.value?.id, 2);
  store.disconnect();
});

Deno.test("API answers older than the stream are not applied", async () => {
  let answer: RunSummary = summary({ id: 3 });
  const store = makeStore(() => Promise.resolve(new Response(JSON.stringify({ run: answer }), { status: 202 })));
  store.init({ projectId: 7, lastEventId: 10, run: null, serverNow: 0 });
  // The stream is faster than the answer: the run started and finished before the POST returned.
  const pending = store.generateAll();
  assert.equal(store.busy.value, "generate");
  store.applyEvent("run.started", summary({ id: 3 }), 11);
  store.applyEvent("run.completed", summary({ id: 3, status: "completed", finishedScenes: 3 }), 12);
  store.lastEventId = 12;
  await pending;
  assert.equal(store.busy.value, null);
  assert.equal(store.run.value?.status, "completed", "the stale 'active' answer did not win");
  assert.equal(store.toast.value?.text, "3 scenes generated");

  // Without events in between, the answer shows at once.
  answer = summary({ id: 4 });
  await store.generateAll();
  assert.equal(store.run.value?.id, 4);
  assert.equal(store.run.value?.status, "active");
  store.disconnect();
});

Deno.test("API errors are readable", async () => {
  const store = makeStore(() =>
    Promise.resolve(
      new Response(JSON.stringify({ error: "Every scene of this project already has its image and video." }), {
        status: 409,
      }),
    )
  );
  store.init({ projectId: 7, lastEventId: 0, run: null, serverNow: 0 });
  assert.equal(await store.generateAll(), null);
  assert.equal(store.error.value, "Every scene of this project already has its image and video.");

  const down = makeStore(() => Promise.reject(new TypeError("fetch failed")));
  down.init({ projectId: 7, lastEventId: 0, run: null, serverNow: 0 });
  await down.cancel();
  assert.match(down.error.value!, /Could not reach the server/);

  const html = makeStore(() => Promise.resolve(new Response("<h1>Bad gateway</h1>", { status: 502 })));
  html.init({ projectId: 7, lastEventId: 0, run: null, serverNow: 0 });
  await html.retry([5]);
  assert.equal(html.error.value, "The server answered 502.");
  assert.equal(html.retrying.value.size, 0, "a failed retry request is not shown as retrying");
});

Deno.test("a stream the browser gave up on is reopened from the last applied event", async () => {
  const store = makeStore();
  store.init({ projectId: 7, lastEventId: 5, run: null, serverNow: 0 });
  store.connect();
  const first = FakeSource.instances[0];
  first.open();
  first.send(6, "run.started", summary());
  first.fail();
  assert.equal(store.connection.value, "reconnecting");
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(FakeSource.instances.length, 2);
  assert.equal(FakeSource.instances[1].url, "/api/v1/projects/7/events?lastEventId=6");
  store.disconnect();
});

Deno.test("failures: every failed part of the page, in scene order, live", async () => {
  const store = makeStore();
  store.init({ projectId: 7, lastEventId: 0, run: null, serverNow: 0 });
  const idle = { status: "idle" as const, url: null, error: null };
  const failed = (error: string) => ({ status: "failed" as const, url: null, error });
  // A reader may ask for a scene before its card registered: the card's state then wins.
  store.scene(30);
  store.scene(30, { number: 3, image: failed("no model"), video: idle });
  store.scene(10, { number: 1, image: idle, video: idle });
  store.scene(20, { number: 2, image: { status: "done", url: "/m.png", error: null }, video: failed("timeout") });
  await Promise.resolve();
  assert.equal(store.sceneCount, 3);
  assert.deepEqual(store.failures.value, [
    { sentenceId: 20, number: 2, part: "video", error: "timeout" },
    { sentenceId: 30, number: 3, part: "image", error: "no model" },
  ]);
  store.applySceneUpdate({ sentenceId: 30, part: "image", status: "queued", url: null, error: null } as SceneUpdate);
  store.applySceneUpdate(
    { sentenceId: 10, part: "image", status: "failed", url: null, error: "[fail]" } as SceneUpdate,
  );
  assert.deepEqual(store.failures.value.map((f) => [f.number, f.part]), [[1, "image"], [2, "video"]]);
});
