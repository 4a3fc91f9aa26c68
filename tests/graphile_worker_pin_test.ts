// The wake-up trigger (migrations/002_engine.sql) and the dead-worker release
// (core/engine/heartbeats.ts) read graphile-worker's private tables, which may change in any
// release. This test pins the version those were checked against: an upgrade fails here first,
// with the places to re-check.
import assert from "node:assert/strict";
import { freshDatabase } from "./helpers/db.ts";

const CHECKED_VERSION = "0.18.0";

Deno.test(`graphile-worker is the version the wake-up trigger was checked against (${CHECKED_VERSION})`, async () => {
  // The version the installed package reports about itself (from the installed files, not deno.json).
  const installed = await Deno.readTextFile(new URL("dist/version.js", graphileRoot()));
  const version = /version = "([^"]+)"/.exec(installed)?.[1];
  assert.equal(
    version,
    CHECKED_VERSION,
    `graphile-worker ${version} is installed. Before upgrading, check that the columns read by ` +
      "migrations/002_engine.sql (studio_wake_workers trigger) and core/engine/heartbeats.ts still exist " +
      "with the same meaning, then update this test and the note beside the pin in deno.json.",
  );
  const db = await freshDatabase("graphile_pin");
  try {
    const columns = await db.sql<{ table_name: string; column_name: string }[]>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'graphile_worker' and table_name in ('_private_job_queues', '_private_jobs')`;
    const have = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
    for (
      const needed of [
        "_private_job_queues.id",
        "_private_job_queues.locked_by",
        "_private_job_queues.locked_at",
        "_private_jobs.job_queue_id",
        "_private_jobs.is_available",
        "_private_jobs.run_at",
      ]
    ) assert.ok(have.has(needed), `graphile_worker.${needed} is read by the engine`);
    const [trigger] = await db.sql`select 1 from pg_trigger where tgname = 'studio_wake_workers' and not tgisinternal`;
    assert.ok(trigger, "the wake-up trigger is installed");
  } finally {
    await db.drop();
  }
});

/** The installed package's folder, from the file its main entry resolves to. */
function graphileRoot(): URL {
  const main = import.meta.resolve("graphile-worker");
  return new URL(main.slice(0, main.lastIndexOf("/dist/") + 1));
}
