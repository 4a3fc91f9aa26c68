/**
 * GET /api/v1/projects/:id/events over a real HTTP server and a real Postgres: order, replay,
 * out-of-order commits, heartbeat, disconnect, slow clients, errors.
 */
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { recordEvent } from "./helpers/live.ts";
import type { StudioEvent } from "../core/types.ts";
import { freshDatabase } from "./helpers/db.ts";
import { emit, eventually, makeProject, simulatedRunEvents, startWeb } from "./helpers/live.ts";
import { SseClient } from "./helpers/sse.ts";

// One hub and server for the file: their timers and pooled connections outlive single tests.
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

const db = await freshDatabase("live_sse");
const web = await startWeb(db, { heartbeatMs: 200 });

Deno.test.afterAll(async () => {
  await web.close();
  await db.drop();
});

/** Writes a whole simulated run, one transaction per event; returns the ids. */
async function writeRun(projectId: number, sentenceIds: number[]): Promise<number[]> {
  const ids: number[] = [];
  for (const e of simulatedRunEvents(sentenceIds)) ids.push(await emit(db.sql, projectId, e.type, e.data));
  return ids;
}

test("a whole simulated run arrives in order, every event once, with its type and data", async () => {
  const project = await makeProject(db.sql, 4);
  const other = await makeProject(db.sql, 1);
  const client = await SseClient.connect(web.eventsUrl(project.id));
  try {
    assert.equal(client.response.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.equal(client.parser.retry, undefined); // not parsed until the first block is read
    const expected = simulatedRunEvents(project.sentenceIds);
    // Interleave another project's events: they must not show up here.
    const ids: number[] = [];
    for (const [i, e] of expected.entries()) {
      ids.push(await emit(db.sql, project.id, e.type, e.data));
      if (i % 5 === 0) await emit(db.sql, other.id, "scene.updated", { sentenceId: other.sentenceIds[0] });
    }
    await client.untilCount(expected.length);
    await new Promise((r) => setTimeout(r, 100)); // nothing extra arrives
    assert.deepEqual(client.ids(), ids);
    assert.equal(client.parser.retry, 1000);
    for (const [i, msg] of client.events.entries()) {
      assert.equal(msg.event, expected[i].type);
      const body: StudioEvent = JSON.parse(msg.data);
      assert.equal(body.id, ids[i]);
      assert.equal(body.type, expected[i].type);
      assert.equal(body.projectId, project.id);
      assert.equal(body.runId, null);
      assert.deepEqual(body.data, expected[i].data);
      assert.ok(!Number.isNaN(Date.parse(body.createdAt)));
    }
    assert.equal(client.events.at(-1)!.event, "run.completed");
  } finally {
    await client.close();
  }
});

test("events of one transaction arrive together and in id order", async () => {
  const project = await makeProject(db.sql, 2);
  const client = await SseClient.connect(web.eventsUrl(project.id));
  try {
    const ids = await db.sql.begin(async (tx) => {
      const out: number[] = [];
      for (let i = 0; i < 50; i++) {
        out.push(await recordEvent(tx, { projectId: project.id, runId: null, type: "scene.updated", data: { i } }));
      }
      return out;
    });
    await client.untilCount(50);
    assert.deepEqual(client.ids(), ids);
  } finally {
    await client.close();
  }
});

test("a client that disconnects mid-run and reconnects with its last id gets exactly the missed events", async () => {
  const project = await makeProject(db.sql, 3);
  const run = simulatedRunEvents(project.sentenceIds);
  const first = await SseClient.connect(web.eventsUrl(project.id));
  const ids: number[] = [];
  for (const e of run.slice(0, 8)) ids.push(await emit(db.sql, project.id, e.type, e.data));
  await first.untilCount(8);
  const lastId = first.parser.lastEventId;
  assert.equal(lastId, String(ids[7]));
  await first.close();
  await eventually(() => web.hub.stats().subscribers === 0, 2000, "the subscription to be freed");

  // Missed while away.
  for (const e of run.slice(8, 15)) ids.push(await emit(db.sql, project.id, e.type, e.data));

  const second = await SseClient.connect(web.eventsUrl(project.id), { lastEventId: lastId });
  try {
    await second.untilCount(7);
    for (const e of run.slice(15)) ids.push(await emit(db.sql, project.id, e.type, e.data));
    await second.untilCount(run.length - 8);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(second.ids(), ids.slice(8));
    assert.deepEqual(second.events.map((e) => e.event), run.slice(8).map((e) => e.type));
  } finally {
    await second.close();
  }

  // The first connection of a page passes lastEventId in the query; the header wins over it.
  const third = await SseClient.connect(web.eventsUrl(project.id, `lastEventId=${ids[2]}`));
  const fourth = await SseClient.connect(web.eventsUrl(project.id, `lastEventId=${ids[2]}`), { lastEventId: ids[20] });
  try {
    await third.untilCount(ids.length - 3);
    await fourth.untilCount(ids.length - 21);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(third.ids(), ids.slice(3));
    assert.deepEqual(fourth.ids(), ids.slice(21));
  } finally {
    await third.close();
    await fourth.close();
  }
});

test("replay longer than one page, then live, none twice", async () => {
  const project = await makeProject(db.sql, 1);
  const ids: number[] = [];
  await db.sql.begin(async (tx) => {
    for (let i = 0; i < 1234; i++) {
      ids.push(await recordEvent(tx, { projectId: project.id, runId: null, type: "scene.updated", data: { i } }));
    }
  });
  await web.hub.sync();
  const client = await SseClient.connect(web.eventsUrl(project.id), { lastEventId: 0 });
  try {
    ids.push(await emit(db.sql, project.id));
    await client.untilCount(ids.length);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(client.ids(), ids);
  } finally {
    await client.close();
  }
});

test("without Last-Event-ID the stream starts now; an id from another database is ignored", async () => {
  const project = await makeProject(db.sql, 1);
  await emit(db.sql, project.id);
  await web.hub.sync();
  const client = await SseClient.connect(web.eventsUrl(project.id));
  const bogus = await SseClient.connect(web.eventsUrl(project.id), { lastEventId: 999_999_999 });
  try {
    const id = await emit(db.sql, project.id);
    await client.untilCount(1);
    await bogus.untilCount(1);
    assert.deepEqual(client.ids(), [id]);
    assert.deepEqual(bogus.ids(), [id]);
  } finally {
    await client.close();
    await bogus.close();
  }
});

test("out-of-order commits: the later id is held back until the earlier one commits, then both arrive in id order", async () => {
  const project = await makeProject(db.sql, 1);
  const client = await SseClient.connect(web.eventsUrl(project.id));
  const conn = await db.sql.reserve();
  try {
    // Transaction A takes the lower id and stays open.
    await conn`begin`;
    const a = await recordEvent(conn as never, {
      projectId: project.id,
      runId: null,
      type: "scene.updated",
      data: { tx: "A" },
    });
    // Transaction B takes a higher id and commits first.
    const b = await emit(db.sql, project.id, "scene.updated", { tx: "B" });
    assert.ok(a < b);
    await web.hub.sync();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(client.events.length, 0, "B must wait: sending it first would let a reconnect skip A");
    assert.ok(web.hub.stats().heldBack);
    // A client connecting now and resuming from before A is held back just the same.
    const late = await SseClient.connect(web.eventsUrl(project.id), { lastEventId: a - 1 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(late.events.length, 0);
    await conn`commit`;
    await client.untilCount(2);
    await late.untilCount(2);
    assert.deepEqual(client.ids(), [a, b]);
    assert.deepEqual(late.ids(), [a, b]);
    await late.close();
    assert.deepEqual(client.events.map((e) => JSON.parse(e.data).data.tx), ["A", "B"]);
    await eventually(() => !web.hub.stats().heldBack, 2000, "the watermark to resolve");
  } finally {
    conn.release();
    await client.close();
  }
});

test("out-of-order commits with a rollback: the committed event arrives without any NOTIFY from the rolled-back one", async () => {
  const project = await makeProject(db.sql, 1);
  const client = await SseClient.connect(web.eventsUrl(project.id));
  const conn = await db.sql.reserve();
  try {
    await conn`begin`;
    const a = await recordEvent(conn as never, {
      projectId: project.id,
      runId: null,
      type: "scene.updated",
      data: { tx: "A" },
    });
    const b = await emit(db.sql, project.id, "scene.updated", { tx: "B" });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(client.events.length, 0);
    await conn`rollback`;
    await client.untilCount(1, 3000);
    assert.deepEqual(client.ids(), [b]);
    assert.ok(a < b);
    // A reconnect from before A gets B only: A never existed.
    const again = await SseClient.connect(web.eventsUrl(project.id), { lastEventId: a - 1 });
    await again.untilCount(1);
    assert.deepEqual(again.ids(), [b]);
    await again.close();
  } finally {
    conn.release();
    await client.close();
  }
});

test("many concurrent writers committing in random order: every client gets every event once, ascending", async () => {
  const project = await makeProject(db.sql, 1);
  const clients = await Promise.all(Array.from({ length: 5 }, () => SseClient.connect(web.eventsUrl(project.id))));
  try {
    const ids = (await Promise.all(Array.from({ length: 40 }, (_, i) =>
      db.sql.begin(async (tx) => {
        const id = await recordEvent(tx, { projectId: project.id, runId: null, type: "scene.updated", data: { i } });
        await new Promise((r) => setTimeout(r, Math.random() * 60)); // commit at a random later moment
        return id;
      })))).sort((x, y) => x - y);
    for (const c of clients) {
      await c.untilCount(ids.length);
      assert.deepEqual(c.ids(), ids);
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
});

test("a hub started while an event-writing transaction is open waits for it, then starts after it", async () => {
  const project = await makeProject(db.sql, 1);
  const conn = await db.sql.reserve();
  const { EventHub } = await import("../core/live/hub.ts");
  const hub = new EventHub({ sql: db.sql, url: db.url, log: () => {} });
  try {
    await conn`begin`;
    const a = await recordEvent(conn as never, { projectId: project.id, runId: null, type: "scene.updated", data: {} });
    const starting = hub.start();
    let started = false;
    starting.then(() => started = true);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(started, false, "the starting point is not known while the transaction is open");
    await conn`commit`;
    await starting;
    assert.ok(hub.cursor() >= a);
  } finally {
    conn.release();
    await hub.stop();
  }
});

test("a heartbeat comment arrives on an idle stream", async () => {
  const project = await makeProject(db.sql, 1);
  const client = await SseClient.connect(web.eventsUrl(project.id));
  try {
    await client.until(() => client.comments.includes("ping"), 2000, "a heartbeat");
    assert.ok(client.comments.includes("connected"));
    assert.equal(client.events.length, 0);
  } finally {
    await client.close();
  }
});

test("closing the connection frees the subscription; other clients keep theirs", async () => {
  const project = await makeProject(db.sql, 1);
  const before = web.hub.stats().subscribers;
  const a = await SseClient.connect(web.eventsUrl(project.id));
  const b = await SseClient.connect(web.eventsUrl(project.id));
  assert.equal(web.hub.stats().subscribers, before + 2);
  await a.close();
  await eventually(() => web.hub.stats().subscribers === before + 1, 2000, "the closed client to be freed");
  const id = await emit(db.sql, project.id);
  await b.untilCount(1);
  assert.deepEqual(b.ids(), [id]);
  await b.close();
  await eventually(() => web.hub.stats().subscribers === before, 2000, "all freed");
  assert.equal(web.hub.stats().projects, 0);
});

test("a slow client is cut off instead of buffered without bound, and resumes without loss", async () => {
  const small = await startWeb(db, { queueLimit: 20, heartbeatMs: 60_000 });
  const project = await makeProject(db.sql, 1);
  // A raw socket that sends the request and then does not read.
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: small.server.addr.port });
  try {
    await conn.write(new TextEncoder().encode(
      `GET /api/v1/projects/${project.id}/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n`,
    ));
    await eventually(() => small.hub.stats().subscribers === 1, 2000, "the subscription");
    // Big events fill the socket buffers, then the 20-event queue.
    const big = "x".repeat(64 * 1024);
    const ids: number[] = [];
    for (let i = 0; i < 300 && small.hub.stats().overflows === 0; i++) {
      ids.push(await emit(db.sql, project.id, "scene.updated", { i, big }));
      if (i % 10 === 0) await small.hub.sync();
    }
    await small.hub.sync();
    assert.equal(small.hub.stats().overflows, 1, "the stalled client overflowed");
    assert.equal(small.hub.stats().subscribers, 0, "and was dropped");

    // Read what the server did send: complete events up to some id, then the end of the stream.
    const reader = conn.readable.getReader();
    let text = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.endsWith("0\r\n\r\n")) break; // chunked encoding's last chunk
    }
    const received = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(received.length < ids.length);
    assert.deepEqual(received, ids.slice(0, received.length));
    // The browser reconnects with its last id and gets the rest.
    const resumed = await SseClient.connect(small.eventsUrl(project.id), { lastEventId: received.at(-1) ?? 0 });
    await resumed.untilCount(ids.length - received.length);
    assert.deepEqual(resumed.ids(), ids.slice(received.length));
    await resumed.close();
  } finally {
    try {
      conn.close();
    } catch { /* already closed */ }
    await small.close();
  }
});

test("unknown project → 404 JSON; a bad Last-Event-ID → 400 JSON", async () => {
  let res = await fetch(web.eventsUrl(987654));
  assert.equal(res.status, 404);
  assert.match((await res.json()).error, /no project with id 987654/);
  res = await fetch(`${web.base}/api/v1/projects/abc/events`);
  assert.equal(res.status, 404);
  await res.body?.cancel();
  const project = await makeProject(db.sql, 1);
  res = await fetch(web.eventsUrl(project.id), { headers: { "last-event-id": "12abc" } });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /not an event id/);
  assert.equal(web.hub.stats().subscribers, 0);
});

test("a process without an event hub answers 503", async () => {
  const app = createApp({ sql: db.sql, config: loadConfig({ STUDIO_DATA_DIR: "/nonexistent" }) });
  const project = await makeProject(db.sql, 1);
  const res = await app.request(`/api/v1/projects/${project.id}/events`);
  assert.equal(res.status, 503);
  assert.match((await res.json()).error, /worker only/);
});

test("stopping the hub ends every stream, so the server can shut down", async () => {
  const extra = await startWeb(db);
  const project = await makeProject(db.sql, 1);
  const client = await SseClient.connect(extra.eventsUrl(project.id));
  await extra.close(); // would hang if the stream stayed open
  await client.done;
  assert.ok(client.closed);
});

test("in-process app.request streaming works too (no network)", async () => {
  const app = createApp({ sql: db.sql, config: loadConfig({ STUDIO_DATA_DIR: "/nonexistent" }), hub: web.hub });
  const project = await makeProject(db.sql, 1);
  const client = await SseClient.connect(`http://localhost/api/v1/projects/${project.id}/events`, {
    fetch: (r) => app.request(r),
  });
  try {
    const id = await emit(db.sql, project.id);
    await client.untilCount(1);
    assert.deepEqual(client.ids(), [id]);
  } finally {
    await client.close();
  }
  await eventually(() => web.hub.stats().subscribers === 0, 2000, "the in-process client to be freed");
});

// A helper for the assertions above, kept honest by its own test.
test("writeRun helper writes a whole run", async () => {
  const project = await makeProject(db.sql, 2);
  const ids = await writeRun(project.id, project.sentenceIds);
  assert.equal(ids.length, simulatedRunEvents(project.sentenceIds).length);
});
