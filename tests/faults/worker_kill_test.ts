/**
 * Three worker-only processes on one run; one is killed with SIGKILL twice and started again. The
 * run finishes exactly once, and the times the events record show that at most one image and one
 * video ran at any moment across all processes.
 */
import assert from "node:assert/strict";
import { startRun } from "../../core/engine/runs.ts";
import type { Sql } from "../../core/db/client.ts";
import { freshDatabase } from "../helpers/db.ts";
import {
  type AppProcess,
  assertRunClean,
  killApp,
  lastEventId,
  msToProgress,
  observe,
  reportFigures,
  spawnApp,
} from "../helpers/faults.ts";
import { makeProject, waitForRunEnd } from "../helpers/worker.ts";

/** [start, end] in ms of each running spell of a part, from its scene.updated events (server clock). */
async function runningSpells(sql: Sql, projectId: number) {
  const events = await sql<{ key: string; part: string; status: string; at: number }[]>`
    select (data->>'part') || ':' || (data->>'sentenceId') as key, data->>'part' as part, data->>'status' as status,
      extract(epoch from created_at) * 1000 as at
    from events where project_id = ${projectId} and type = 'scene.updated' order by id`;
  const open = new Map<string, number>();
  const spells: { kind: string; key: string; start: number; end: number }[] = [];
  for (const e of events) {
    if (e.status === "running") {
      if (!open.has(e.key)) open.set(e.key, Number(e.at));
    } else if (open.has(e.key)) {
      spells.push({ kind: e.part, key: e.key, start: open.get(e.key)!, end: Number(e.at) });
      open.delete(e.key);
    }
  }
  return spells;
}

Deno.test("killed workers among three processes: exactly once, and one image + one video at a time", async () => {
  const db = await freshDatabase("fault_workers");
  const sql = observe(db.url);
  const dataDir = await Deno.makeTempDir({ prefix: "studio-fault-" });
  const env = { DATABASE_URL: db.url, STUDIO_DATA_DIR: dataDir, SIMULATED_IMAGE_MS: "250", SIMULATED_VIDEO_MS: "250" };
  const workers: AppProcess[] = [0, 1, 2].map(() => spawnApp(env, ["--worker-only"]));
  const restartToProgressMs: number[] = [];
  try {
    await Promise.all(workers.map((w) => w.ready()));
    const { projectId } = await makeProject(sql, 10);
    await startRun(sql, projectId, { maxAttempts: 3 });
    for (let kill = 0; kill < 2; kill++) {
      // Kill a worker that is running a part right now (its pool holds a lock).
      const [busy] = await sql<{ pid: number }[]>`
        select h.pid from worker_heartbeats h join graphile_worker.jobs j on j.locked_by = h.pool_id limit 1`;
      await msToProgress(sql, projectId, await lastEventId(sql, projectId), 30_000);
      const victim = workers.findIndex((w) => busy && w.child.pid === busy.pid);
      const index = victim >= 0 ? victim : kill;
      await killApp(workers[index], "SIGKILL");
      const before = await lastEventId(sql, projectId);
      const restartedAt = performance.now();
      workers[index] = spawnApp(env, ["--worker-only"]);
      await workers[index].ready();
      await msToProgress(sql, projectId, before, 30_000);
      restartToProgressMs.push(Math.round(performance.now() - restartedAt));
    }
    assert.equal(await waitForRunEnd(sql, projectId, 60_000), "completed");
    const report = await assertRunClean(sql, projectId, dataDir);
    const spells = await runningSpells(sql, projectId);
    const overlaps: string[] = [];
    for (const a of spells) {
      for (const b of spells) {
        if (a !== b && a.kind === b.kind && a.start < b.start && b.start < a.end) {
          overlaps.push(`${a.key} [${a.start}, ${a.end}] and ${b.key} from ${b.start}`);
        }
      }
    }
    assert.deepEqual(overlaps, [], "two parts of one kind ran at once");
    assert.ok(spells.length >= 20, `${spells.length} running spells recorded`);
    reportFigures("killed workers among three processes", {
      kills: 2,
      restartToProgressMs,
      spells: spells.length,
      overlaps: overlaps.length,
      ...report,
    });
  } finally {
    await Promise.all(workers.map((w) => killApp(w)));
    await sql.end({ timeout: 1 });
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
