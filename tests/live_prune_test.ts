/** Retention of the event log: the prune_events task deletes old events only. */
import assert from "node:assert/strict";
import { Logger, parseCrontab, runOnce } from "graphile-worker";
import { ConfigError, loadConfig } from "../config.ts";
import { pruneEvents } from "../core/live/retention.ts";
import { PRUNE_EVENTS_TASK, pruneEventsCrontab, pruneEventsTask } from "../workers/tasks/prune_events.ts";
import { freshDatabase } from "./helpers/db.ts";
import { emit, makeProject } from "./helpers/live.ts";

/** Writes `n` events dated `daysAgo` days back; returns their ids. */
async function eventsAged(
  sql: Awaited<ReturnType<typeof freshDatabase>>["sql"],
  projectId: number,
  n: number,
  daysAgo: number,
) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(await emit(sql, projectId, "scene.updated", { daysAgo, i }));
  await sql`update events set created_at = now() - make_interval(days => ${daysAgo}) where id = any(${ids}::bigint[])`;
  return ids;
}

Deno.test("pruneEvents deletes events older than the retention period and nothing else", async () => {
  const db = await freshDatabase("live_prune");
  try {
    const project = await makeProject(db.sql, 1);
    const old = await eventsAged(db.sql, project.id, 23, 8);
    const edge = await eventsAged(db.sql, project.id, 3, 6);
    const fresh = await eventsAged(db.sql, project.id, 4, 0);
    // Small batches: the loop must go round several times.
    assert.equal(await pruneEvents(db.sql, { retentionDays: 7, batchSize: 5 }), old.length);
    const left = (await db.sql`select id from events order by id`).map((r) => Number(r.id));
    assert.deepEqual(left, [...edge, ...fresh]);
    assert.equal(await pruneEvents(db.sql, { retentionDays: 7 }), 0, "a second run finds nothing");
    assert.equal(await pruneEvents(db.sql, { retentionDays: 1 }), edge.length);
    await assert.rejects(pruneEvents(db.sql, { retentionDays: 0 }), RangeError);
  } finally {
    await db.drop();
  }
});

Deno.test("the prune_events task runs under graphile-worker with the retention from its payload", async () => {
  const db = await freshDatabase("live_prune_task");
  try {
    const project = await makeProject(db.sql, 1);
    const old = await eventsAged(db.sql, project.id, 5, 40);
    const kept = await eventsAged(db.sql, project.id, 5, 20);
    const logs: string[] = [];
    await db.sql`select graphile_worker.add_job(${PRUNE_EVENTS_TASK}::text, ${
      db.sql.json({ retentionDays: 30 })
    }::json)`;
    await runOnce({
      connectionString: db.url,
      taskList: { [PRUNE_EVENTS_TASK]: pruneEventsTask({ sql: db.sql, log: (l) => logs.push(l) }) },
      noHandleSignals: true,
      logger: new Logger(() => () => {}),
    });
    const left = (await db.sql`select id from events order by id`).map((r) => Number(r.id));
    assert.deepEqual(left, kept);
    assert.ok(old.length === 5);
    assert.deepEqual(logs, ["prune_events: deleted 5 event(s) older than 30 days."]);
    const [{ n }] = await db.sql`select count(*)::int as n from graphile_worker.jobs`;
    assert.equal(n, 0, "the job succeeded and is gone");
  } finally {
    await db.drop();
  }
});

Deno.test("the crontab line parses, runs hourly, and carries EVENTS_RETENTION_DAYS", () => {
  const [item] = parseCrontab(pruneEventsCrontab(14));
  assert.equal(item.task, PRUNE_EVENTS_TASK);
  assert.deepEqual(item.payload, { retentionDays: 14 });
  assert.equal(item.options.maxAttempts, 3);
  assert.equal(loadConfig({}).eventsRetentionDays, 7);
  assert.equal(loadConfig({ EVENTS_RETENTION_DAYS: "30" }).eventsRetentionDays, 30);
  assert.throws(
    () => loadConfig({ EVENTS_RETENTION_DAYS: "0" }),
    (e: Error) => e instanceof ConfigError && /EVENTS_RETENTION_DAYS/.test(e.message),
  );
});
