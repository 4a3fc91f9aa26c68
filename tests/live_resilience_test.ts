/**
 * Live updates across processes and connection failures: two web processes and a separate writer
 * process; the LISTEN connection killed mid-stream; Postgres unreachable for the listener.
 */
import assert from "node:assert/strict";
import { connect } from "../core/db/client.ts";
import { freshDatabase } from "./helpers/db.ts";
import { emit, eventually, makeProject, startWeb } from "./helpers/live.ts";
import { SseClient } from "./helpers/sse.ts";
import { startTcpProxy } from "./helpers/tcp_proxy.ts";

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

const db = await freshDatabase("live_resilience");
Deno.test.afterAll(() => db.drop());

/** Backends of this database currently LISTENing (what an admin would look at). */
async function listenBackends(): Promise<number[]> {
  const rows = await db.sql<{ pid: number }[]>`
    select pid from pg_stat_activity
    where datname = current_database() and application_name = 'scene-studio-listen' and query ilike 'listen%'`;
  return rows.map((r) => r.pid);
}

test("two web processes and a separate writer process: every client of both sees every event, in order", async () => {
  const webA = await startWeb(db);
  const webB = await startWeb(db);
  const p1 = await makeProject(db.sql, 1, "one");
  const p2 = await makeProject(db.sql, 1, "two");
  const clients = [
    { web: "A", project: p1.id, client: await SseClient.connect(webA.eventsUrl(p1.id)) },
    { web: "A", project: p2.id, client: await SseClient.connect(webA.eventsUrl(p2.id)) },
    { web: "B", project: p1.id, client: await SseClient.connect(webB.eventsUrl(p1.id)) },
    { web: "B", project: p1.id, client: await SseClient.connect(webB.eventsUrl(p1.id)) },
    { web: "B", project: p2.id, client: await SseClient.connect(webB.eventsUrl(p2.id)) },
  ];
  try {
    const writer = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./helpers/event_writer.ts", import.meta.url).pathname,
        `${p1.id},${p2.id}`,
        "150",
        "4",
      ],
      env: { DATABASE_URL: db.url },
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.equal(writer.code, 0, "the writer process succeeded");
    const { ids } = JSON.parse(new TextDecoder().decode(writer.stdout)) as { ids: Record<string, number[]> };
    assert.equal(ids[p1.id].length, 150);
    for (const { web, project, client } of clients) {
      await client.untilCount(ids[project].length, 10_000);
      assert.deepEqual(client.ids(), ids[project], `web ${web}, project ${project}`);
    }
  } finally {
    await Promise.all(clients.map((c) => c.client.close()));
    await webA.close();
    await webB.close();
  }
});

test("the LISTEN connection is killed mid-stream, three times: clients still receive everything", async () => {
  const web = await startWeb(db, { watchdogMs: 60_000 }); // only postgres.js's own reconnect helps here
  const project = await makeProject(db.sql, 1);
  const clients = await Promise.all([1, 2, 3].map(() => SseClient.connect(web.eventsUrl(project.id))));
  try {
    assert.equal((await listenBackends()).length, 1, "one LISTEN connection per web process");
    const ids: number[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(await emit(db.sql, project.id, "scene.updated", { i }));
      if (i % 40 === 20) {
        const killed = await db.sql`
          select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and query ilike 'listen%'`;
        assert.equal(killed.length, 1);
      }
      await new Promise((r) => setTimeout(r, 3));
    }
    // Last, events committed while the listener is reconnecting and nothing after them: only the
    // catch-up pass that postgres.js's onlisten triggers can deliver these.
    await db.sql`select pg_terminate_backend(pid) from pg_stat_activity
                 where datname = current_database() and query ilike 'listen%'`;
    for (let i = 0; i < 3; i++) ids.push(await emit(db.sql, project.id, "scene.updated", { last: i }));
    for (const c of clients) {
      await c.untilCount(ids.length, 10_000);
      assert.deepEqual(c.ids(), ids);
    }
    await eventually(async () => (await listenBackends()).length === 1, 5000, "LISTEN to be re-established");
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await web.close();
  }
});

test("Postgres unreachable for the listener: the watchdog re-LISTENs and nothing is lost", async () => {
  const port = Number(new URL(db.url).port);
  const proxy = startTcpProxy(port);
  // The LISTEN connection goes through the proxy; reads and writes go straight to Postgres.
  const web = await startWeb(db, { url: proxy.urlFor(db.url), watchdogMs: 300, log: () => {} });
  const project = await makeProject(db.sql, 1);
  const client = await SseClient.connect(web.eventsUrl(project.id));
  try {
    const ids = [await emit(db.sql, project.id)];
    await client.untilCount(1);
    proxy.cut(); // the listener's connection drops and its reconnect is refused
    await eventually(async () => (await listenBackends()).length === 0, 3000, "the LISTEN connection to drop");
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 5; i++) ids.push(await emit(db.sql, project.id));
    await new Promise((r) => setTimeout(r, 500));
    proxy.restore();
    await eventually(async () => (await listenBackends()).length === 1, 5000, "LISTEN to come back");
    assert.ok(web.hub.stats().listenerRestarts >= 1, "the watchdog replaced the listener");
    await client.untilCount(ids.length, 5000);
    // Live again through NOTIFY: prompt, not at the watchdog's 300 ms pace.
    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      ids.push(await emit(db.sql, project.id));
      await client.untilCount(ids.length, 5000);
      assert.ok(performance.now() - started < 100, `event ${i} took ${performance.now() - started} ms`);
      await new Promise((r) => setTimeout(r, Math.random() * 200));
    }
    assert.deepEqual(client.ids(), ids);
  } finally {
    await client.close();
    await web.close();
    await proxy.close();
  }
});

test("the web process loses Postgres altogether for a while (as in a restart): it catches up, and stops promptly while it is down", async () => {
  const port = Number(new URL(db.url).port);
  const proxy = startTcpProxy(port);
  // This web process reaches Postgres only through the proxy: pool and LISTEN alike.
  const webSql = connect(proxy.urlFor(db.url), { max: 4 });
  const web = await startWeb({ ...db, sql: webSql }, { url: proxy.urlFor(db.url), watchdogMs: 300, log: () => {} });
  const project = await makeProject(db.sql, 1);
  const client = await SseClient.connect(web.eventsUrl(project.id));
  try {
    const ids = [await emit(db.sql, project.id)];
    await client.untilCount(1);
    proxy.cut();
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 5; i++) ids.push(await emit(db.sql, project.id)); // the worker keeps writing
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(client.events.length, 1, "nothing can arrive while the database is unreachable");
    proxy.restore();
    await client.untilCount(ids.length, 8000);
    await eventually(async () => (await listenBackends()).length >= 1, 8000, "LISTEN to come back");
    ids.push(await emit(db.sql, project.id));
    await client.untilCount(ids.length, 3000);
    assert.deepEqual(client.ids(), ids);

    proxy.cut();
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    await web.close();
    assert.ok(performance.now() - started < 4000, `stop took ${performance.now() - started} ms`);
    await client.done;
  } finally {
    await client.close();
    await web.close();
    await webSql.end({ timeout: 0 }).catch(() => {});
    await proxy.close();
  }
});
