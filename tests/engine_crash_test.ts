import assert from "node:assert/strict";
import { startRun } from "../core/engine/runs.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import {
  makeProject,
  recordedSimulated,
  removeDataDir,
  spawnWorker,
  startTestWorker,
  testConfig,
  waitFor,
  waitForRunEnd,
} from "./helpers/worker.ts";
import type { Sql } from "../core/db/client.ts";

async function heartbeatOf(sql: Sql, exclude: string[] = []): Promise<string | undefined> {
  const rows = await sql<{ pool_id: string }[]>`select pool_id from worker_heartbeats order by started_at`;
  return rows.map((r) => r.pool_id).find((id) => !exclude.includes(id));
}

Deno.test("a worker killed with SIGKILL mid-run: another worker releases its job and finishes the run", async () => {
  const db = await freshDatabase("engine_crash");
  const config = await testConfig(db, { SIMULATED_IMAGE_MS: "300", SIMULATED_VIDEO_MS: "300" });
  const first = spawnWorker(db, config);
  let second: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  try {
    const deadPool = await waitFor("the worker subprocess to start", () => heartbeatOf(db.sql), 30_000);
    const { projectId } = await makeProject(db.sql, 6);
    await startRun(db.sql, projectId, { maxAttempts: config.maxAttempts });
    // Kill it while it is in the middle of a scene part (after at least one image is done).
    const interrupted = await waitFor(
      "an image to be done and another part to be running",
      async () => {
        const [row] = await db.sql<{ key: string }[]>`
        select j.key from graphile_worker.jobs j
        join scene_parts p on j.key = p.kind || ':' || p.sentence_id
        join sentences s on s.id = p.sentence_id
        where j.locked_by = ${deadPool} and s.project_id = ${projectId} and p.status = 'running'
          and exists (select 1 from scene_states d where d.project_id = ${projectId} and d.image_status = 'done')`;
        return row?.key;
      },
      15_000,
      5,
    );
    first.child.kill("SIGKILL");
    await first.status;
    const stranded = await db.sql`select key from graphile_worker.jobs where locked_by = ${deadPool}`;
    assert.ok(stranded.some((j) => j.key === interrupted), "the killed worker left its job locked");

    second = await startTestWorker(db, config);
    assert.equal(await waitForRunEnd(db.sql, projectId, 30_000), "completed");
    const rows = await db.sql`select id, image_status, video_status, image_attempts, video_attempts from scene_states
      where project_id = ${projectId} order by id`;
    assert.ok(rows.every((r) => r.image_status === "done" && r.video_status === "done"), JSON.stringify(rows));
    // The interrupted part was tried again: the crashed attempt counts.
    const [part, id] = interrupted.split(":");
    assert.equal(rows.find((r) => r.id === Number(id))![`${part}_attempts`], 2, `${interrupted} attempts`);
    assert.ok(second.logs.some((l) => l.includes(`Released the jobs of 1 worker(s)`) && l.includes(deadPool)));
    const [{ n }] = await db.sql`select count(*)::int as n from worker_heartbeats where pool_id = ${deadPool}`;
    assert.equal(n, 0, "the dead worker's heartbeat is gone");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    try {
      first.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await first.status;
    await second?.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("SIGTERM: the worker stops taking jobs, aborts the running one after the grace period, leaves nothing locked", async () => {
  const db = await freshDatabase("engine_sigterm");
  const config = await testConfig(db, {
    SIMULATED_IMAGE_MS: "5000",
    SIMULATED_VIDEO_MS: "100",
    SHUTDOWN_GRACE_MS: "300",
  });
  const worker = spawnWorker(db, config);
  let next: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  try {
    const pool = await waitFor("the worker subprocess to start", () => heartbeatOf(db.sql), 30_000);
    const { projectId, sentenceIds } = await makeProject(db.sql, 2);
    await startRun(db.sql, projectId, { maxAttempts: config.maxAttempts });
    await waitFor(
      "the first image to run",
      async () => {
        const [row] = await db.sql`select image_status from scene_states where id = ${sentenceIds[0]}`;
        return row.image_status === "running";
      },
      10_000,
      10,
    );
    const signalled = performance.now();
    worker.child.kill("SIGTERM");
    const status = await worker.status;
    const took = performance.now() - signalled;
    assert.equal(status.code, 0, worker.output());
    assert.ok(took < 4000, `stopped in ${took} ms`);
    assert.match(worker.output(), /aborted 1 running job/);

    const locked = await db.sql`select id from graphile_worker.jobs where locked_at is not null`;
    assert.equal(locked.length, 0, "nothing locked");
    assert.doesNotMatch(worker.output(), /Shutdown reconciliation/, "graphile-worker completed every job itself");
    const queues = await db.sql`select queue_name from graphile_worker._private_job_queues where locked_by is not null`;
    assert.equal(queues.length, 0);
    const [part] = await db.sql`select image_status, image_attempts from scene_states where id = ${sentenceIds[0]}`;
    assert.deepEqual(part, { image_status: "queued", image_attempts: 0 }, "handed back without using up an attempt");
    const [job] = await db.sql`select attempts from graphile_worker.jobs where key = ${`image:${sentenceIds[0]}`}`;
    assert.equal(job.attempts, 0);
    assert.equal((await db.sql`select 1 from worker_heartbeats where pool_id = ${pool}`).length, 0);
    await assertInvariants(db.sql);

    // Another worker picks the run up and finishes it.
    next = await startTestWorker(db, config, recordedSimulated(20, 20).providers);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    try {
      worker.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await worker.status;
    await next?.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
