import assert from "node:assert/strict";
import { startRun } from "../core/engine/runs.ts";
import { reconcile } from "../core/engine/recovery.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";
import { setPart } from "./helpers/parts.ts";

Deno.test("reconciliation makes scene states agree with the jobs table, then a worker finishes the run", async () => {
  const db = await freshDatabase("engine_reconcile");
  const config = await testConfig(db);
  try {
    const { projectId, sentenceIds: ids } = await makeProject(db.sql, 6);
    const { run } = await startRun(db.sql, projectId, { maxAttempts: 3 });
    const settings = { maxAttempts: 3 };

    // Damage, as crashes and bugs could leave it:
    // 1. scene 1's job vanished;
    await db.sql`select graphile_worker.remove_job(${`image:${ids[0]}`})`;
    // 2. scene 2's job died on its last attempt (a crash while running, then unlocked);
    await db.sql`update graphile_worker._private_jobs set attempts = max_attempts, last_error = null
      where key = ${`image:${ids[1]}`}`;
    await setPart(db.sql, ids[1], "image", { status: "running", attempts: 3 });
    // 3. scene 3 shows running but its job is not locked (its worker died and was released);
    await setPart(db.sql, ids[2], "image", { status: "running", attempts: 1 });
    // 4. a leftover job for scene 4's video, which is not in flight.
    await db.sql`select graphile_worker.add_job('generate_video'::text, ${
      db.sql.json({ runId: run.id, sentenceId: ids[3] })
    }::json, queue_name => 'videos'::text, job_key => ${`video:${ids[3]}`}::text)`;
    await assert.rejects(assertInvariants(db.sql), /image of sentence .* without a job/);

    const report = await reconcile(db.sql, settings);
    assert.deepEqual(report, {
      requeued: 1,
      failed: 1,
      cancelled: 0,
      released: 1,
      deletedJobs: 2,
      completedRuns: 0,
      exportsRequeued: 0,
      exportsFailed: 0,
    });
    const rows = await db
      .sql`select id, image_status, image_error from scene_states where project_id = ${projectId} order by id`;
    assert.equal(rows[0].image_status, "queued");
    assert.equal(rows[1].image_status, "failed");
    assert.match(rows[1].image_error, /stopped unexpectedly on its last attempt \(3 of 3\)/);
    assert.equal(rows[2].image_status, "queued");
    assert.match(rows[2].image_error, /stopped before it finished .* it will run again/);
    await assertInvariants(db.sql);
    const again = await reconcile(db.sql, settings);
    assert.deepEqual(Object.entries(again).filter(([, count]) => count !== 0), [], "a second pass finds nothing");

    // A worker's start-up reconciliation and the run: every scene but the failed one ends done.
    const worker = await startTestWorker(db, config);
    try {
      assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    } finally {
      await worker.stop();
    }
    const [{ n }] = await db.sql`select count(*)::int as n from scene_states
      where project_id = ${projectId} and image_status = 'done' and video_status = 'done'`;
    assert.equal(n, 5);
    await assertInvariants(db.sql, { quiescent: true });

    // An active run whose parts were all settled behind its back is closed.
    const second = await startRun(db.sql, projectId, { maxAttempts: 3 });
    await db.sql`select graphile_worker.remove_job(${`image:${ids[1]}`})`;
    await setPart(db.sql, ids[1], "image", { status: "failed", error: "gone" });
    const closing = await reconcile(db.sql, settings);
    assert.equal(closing.completedRuns, 1);
    const [closed] = await db.sql`select status from scene_runs where id = ${second.run.id}`;
    assert.equal(closed.status, "completed");
    const [last] = await db.sql`select type from events where project_id = ${projectId} order by id desc limit 1`;
    assert.equal(last.type, "run.completed");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("a dead worker's heartbeat: its locks are released within the threshold, a live worker's never", async () => {
  const db = await freshDatabase("engine_heartbeat");
  try {
    const { unlockDeadWorkers, beat } = await import("../core/engine/heartbeats.ts");
    const { projectId } = await makeProject(db.sql, 2);
    await startRun(db.sql, projectId, { maxAttempts: 3 });
    // Two pools each "hold" a job: one beats, one went silent a minute ago.
    await beat(db.sql, "pool-alive");
    await db.sql`insert into worker_heartbeats (pool_id, host, pid, last_seen_at)
      values ('pool-dead', 'h', 1, now() - interval '1 minute')`;
    const jobs = await db.sql<{ id: string }[]>`select id::text from graphile_worker.jobs order by id`;
    await db
      .sql`update graphile_worker._private_jobs set locked_by = 'pool-alive', locked_at = now() - interval '10 minutes'
      where id = ${jobs[0].id}`;
    await db
      .sql`update graphile_worker._private_jobs set locked_by = 'pool-dead', locked_at = now() - interval '2 minutes'
      where id = ${jobs[1].id}`;
    assert.deepEqual(await unlockDeadWorkers(db.sql, 45_000), ["pool-dead"]);
    const locks = await db.sql`select id::text, locked_by from graphile_worker.jobs order by id`;
    assert.deepEqual(locks.map((l) => l.locked_by), ["pool-alive", null]);
    assert.deepEqual((await db.sql`select pool_id from worker_heartbeats`).map((r) => r.pool_id), ["pool-alive"]);
    // A lock held by a pool that never wrote a heartbeat is released once it is older than the threshold.
    await db
      .sql`update graphile_worker._private_jobs set locked_by = 'pool-ghost', locked_at = now() - interval '5 seconds'
      where id = ${jobs[1].id}`;
    assert.deepEqual(await unlockDeadWorkers(db.sql, 45_000), []);
    assert.deepEqual(await unlockDeadWorkers(db.sql, 2_000), ["pool-ghost"]);
  } finally {
    await db.drop();
  }
});

Deno.test("a crashed worker of this machine is released after two missed beats, not the whole threshold", async () => {
  const db = await freshDatabase("engine_local_dead");
  try {
    const { unlockDeadWorkers } = await import("../core/engine/heartbeats.ts");
    const { projectId } = await makeProject(db.sql, 3);
    await startRun(db.sql, projectId, { maxAttempts: 3 });
    // A process that ran here and is gone, and one that still runs here.
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    const running = new Deno.Command("sleep", { args: ["30"] }).spawn();
    try {
      const host = Deno.hostname();
      await db.sql`insert into worker_heartbeats (pool_id, host, pid, last_seen_at) values
        ('pool-crashed', ${host}, ${gone.pid}, now() - interval '12 seconds'),
        ('pool-quiet', ${host}, ${running.pid}, now() - interval '12 seconds'),
        ('pool-recent', ${host}, ${gone.pid}, now() - interval '2 seconds'),
        ('pool-elsewhere', 'another-host', ${gone.pid}, now() - interval '12 seconds')`;
      const jobs = await db.sql<{ id: string }[]>`select id::text from graphile_worker.jobs order by id`;
      const pools = ["pool-crashed", "pool-quiet", "pool-recent"];
      for (const [i, pool] of pools.entries()) {
        await db.sql`update graphile_worker._private_jobs set locked_by = ${pool}, locked_at = now()
          where id = ${jobs[i].id}`;
      }
      // Heartbeat every 5 s, dead after 45 s: only the gone process of this host, silent > 10 s, is released.
      assert.deepEqual(await unlockDeadWorkers(db.sql, 45_000, 5_000), ["pool-crashed"]);
      const locks = await db.sql`select locked_by from graphile_worker.jobs order by id`;
      assert.deepEqual(locks.map((l) => l.locked_by), [null, "pool-quiet", "pool-recent"]);
    } finally {
      running.kill();
      await running.status;
    }
  } finally {
    await db.drop();
  }
});

Deno.test("a job that hits a database error: its part goes back to queued at once, then the retry finishes it", async () => {
  const db = await freshDatabase("engine_db_error");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 1);
    // The database refuses to store this scene's first image take (as a full disk or a bug could).
    await db.sql.unsafe(`
      create function refuse_take() returns trigger language plpgsql as $$
      begin raise exception 'disk full (simulated)'; end $$;
      create trigger refuse_take before insert on takes for each row execute function refuse_take();`);
    await startRun(db.sql, projectId, { maxAttempts: config.maxAttempts });
    const failedAt = await waitFor("the job to fail", async () => {
      const [job] = await db.sql`select last_error from graphile_worker.jobs where last_error is not null`;
      return job ? performance.now() : null;
    }, 15_000);
    await waitFor("the part to show queued again", async () => {
      const [row] = await db.sql`select image_status, image_error from scene_states where id = ${sentenceIds[0]}`;
      return row.image_status === "queued" ? row : null;
    }, 5000);
    const shownQueuedMs = performance.now() - failedAt;
    assert.ok(shownQueuedMs < 3000, `queued again ${Math.round(shownQueuedMs)} ms after the error`);
    await db.sql.unsafe(`drop trigger refuse_take on takes`);
    assert.equal(await waitForRunEnd(db.sql, projectId, 30_000), "completed");
    const [row] = await db.sql`select image_status, video_status from scene_states where id = ${sentenceIds[0]}`;
    assert.deepEqual({ ...row }, { image_status: "done", video_status: "done" });
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
