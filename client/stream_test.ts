import assert from "node:assert/strict";
import { FakeEventSource } from "../tests/helpers/fake_event_source.ts";
import { createEventStream, type StreamEvent } from "./stream.ts";

/** A stream with a hand-driven scheduler: `frame()` runs what is due, as the next frame would. */
function makeStream() {
  const batches: StreamEvent[][] = [];
  let due: (() => void)[] = [];
  const stream = createEventStream({
    url: (after) => `/api/v1/projects/7/events?lastEventId=${after}`,
    onEvents: (events) => batches.push(events),
    EventSource: FakeEventSource.reset(),
    schedule: (flush) => due.push(flush),
  });
  const frame = () => {
    const run = due;
    due = [];
    for (const f of run) f();
  };
  return { stream, batches, frame, scheduled: () => due.length };
}

Deno.test("one EventSource, from the page's resume point; events handed on once, in order, a frame at a time", () => {
  const { stream, batches, frame, scheduled } = makeStream();
  stream.connect(40);
  stream.connect(40);
  assert.equal(FakeEventSource.instances.length, 1, "one EventSource per page");
  const source = FakeEventSource.last;
  assert.equal(source.url, "/api/v1/projects/7/events?lastEventId=40");
  assert.equal(stream.connection.value, "connecting");
  source.open();
  assert.equal(stream.connection.value, "open");

  source.send(40, "run.progress", { id: 1 }); // rendered already
  source.send(41, "run.started", { id: 1 });
  source.send(42, "scene.updated", { sentenceId: 11, status: "running" });
  source.send(42, "scene.updated", { sentenceId: 11, status: "running" }); // a replay overlap
  assert.equal(batches.length, 0, "nothing before the frame");
  assert.equal(scheduled(), 1, "one flush per burst");
  frame();
  assert.deepEqual(batches, [[
    { id: 41, type: "run.started", data: { id: 1 } },
    { id: 42, type: "scene.updated", data: { sentenceId: 11, status: "running" } },
  ]]);
  source.send(43, "run.completed", { id: 1 });
  frame();
  assert.deepEqual(batches[1], [{ id: 43, type: "run.completed", data: { id: 1 } }]);
});

Deno.test("a dropped connection is left to the browser; a closed one is reopened from the last event, with backoff", async () => {
  const { stream } = makeStream();
  stream.connect(5);
  const first = FakeEventSource.last;
  first.open();
  first.send(6, "run.started", { id: 1 });
  first.drop();
  assert.equal(stream.connection.value, "reconnecting");
  assert.equal(FakeEventSource.instances.length, 1, "the browser reconnects by itself");
  first.open();
  first.fail();
  assert.equal(stream.connection.value, "reconnecting");
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(FakeEventSource.instances.length, 2);
  assert.equal(FakeEventSource.last.url, "/api/v1/projects/7/events?lastEventId=6");
  // It fails again at once: the next try waits longer (2 s), and a success resets the delay.
  FakeEventSource.last.fail();
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal(FakeEventSource.instances.length, 2, "not yet after 1 s");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(FakeEventSource.instances.length, 3);
  FakeEventSource.last.open();
  assert.equal(stream.connection.value, "open");
});

Deno.test("the default schedule flushes on the next frame, or after 100 ms without frames (hidden tab)", async () => {
  const batches: StreamEvent[][] = [];
  const stream = createEventStream({
    url: () => "/events",
    onEvents: (events) => batches.push(events),
    EventSource: FakeEventSource.reset(),
  });
  stream.connect(0);
  FakeEventSource.last.send(1, "run.started", { id: 1 });
  assert.equal(batches.length, 0);
  // Deno has no animation frames: the timer delivers.
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(batches.length, 1);
});
