import assert from "node:assert/strict";
import { reconcile } from "../core/engine/recovery.ts";
import { requestExport } from "../core/exports/exports.ts";
import { claimExport } from "../core/exports/export_jobs.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { makeSectionedProject } from "./helpers/narration.ts";
import { removeDataDir, startTestWorker, testConfig, waitFor } from "./helpers/worker.ts";

const SETTINGS = { maxAttempts: 3 };

Deno.test("export recovery: a lost job is queued again, a dead one fails with the reason, a dead worker's render waits", async () => {
  const db = await freshDatabase("export_recover");
  try {
    const projects = [
      await makeSectionedProject(db.sql, 1, 1),
      await makeSectionedProject(db.sql, 1, 1),
      await makeSectionedProject(db.sql, 1, 1),
    ];
    const ids = [];
    for (const p of projects) {
      ids.push((await requestExport(db.sql, p.projectId, { placeholders: true }, SETTINGS)).export.id);
    }
    await assertInvariants(db.sql);
    // 1: its job vanished. 2: its job died on its last attempt. 3: rendering, its worker gone.
    await db.sql`delete from graphile_worker._private_jobs where key = ${`export:${ids[0]}`}`;
    await db.sql`update graphile_worker._private_jobs set attempts = max_attempts, last_error = 'ffmpeg was killed'
      where key = ${`export:${ids[1]}`}`;
    assert.ok(await claimExport(db.sql, ids[2]));
    const report = await reconcile(db.sql, SETTINGS);
    assert.deepEqual([report.exportsRequeued, report.exportsFailed], [1, 1]);
    const rows = await db.sql`select id, status, error from exports order by id`;
    assert.deepEqual(rows.map((r) => r.status), ["queued", "failed", "queued"]);
    assert.match(
      rows[1].error,
      /stopped unexpectedly 3 times \(last error: ffmpeg was killed\)\. Try exporting again\./,
    );
    await assertInvariants(db.sql);
  } finally {
    await db.drop();
  }
});

Deno.test("export: a worker shutting down mid-render hands the export back; the next worker renders it", async () => {
  const db = await freshDatabase("export_shutdown");
  const config = await testConfig(db, { SHUTDOWN_GRACE_MS: "200" });
  try {
    const { projectId } = await makeSectionedProject(db.sql, 1, 12);
    await db.sql`update projects set clip_seconds = 8 where id = ${projectId}`;
    const first = await startTestWorker(db, config);
    const { export: view } = await requestExport(db.sql, projectId, { placeholders: true }, SETTINGS);
    await waitFor(
      "the render to progress",
      async () => {
        const [row] = await db.sql`select progress from exports where id = ${view.id}`;
        return row.progress > 0;
      },
      30_000,
      50,
    );
    await first.stop();
    const [handed] = await db.sql`select status, attempts from exports where id = ${view.id}`;
    assert.deepEqual(handed, { status: "queued", attempts: 0 }, "handed back without using an attempt");
    await assertInvariants(db.sql);
    const second = await startTestWorker(db, config);
    try {
      await waitFor(
        "the export to be rendered",
        async () => {
          const [row] = await db.sql`select status from exports where id = ${view.id}`;
          return row.status === "done";
        },
        120_000,
        200,
      );
      await assertInvariants(db.sql, { quiescent: true });
    } finally {
      await second.stop();
    }
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});
