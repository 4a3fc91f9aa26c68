/**
 * `assertInvariants(sql)`: the engine's promises, checked in one consistent snapshot (repeatable
 * read), callable from any test at any moment:
 *
 * 1. every scene part queued or running belongs to an active run and has a live job behind it (a
 *    job with its key — or the section job's named in made_by_job — that is running or can still run);
 * 2. at most one active run per project, and every active run has something queued or running;
 * 3. every job of the generation tasks backs a part in flight (no leftovers, no dead jobs);
 * 4. at most one job runs per named queue, and a queue's lock matches its running job;
 * 5. every ended run has nothing in flight, and its stored counts match its scenes;
 * 6. every export queued or rendering has its live render job, every render job an export in
 *    flight, and a project has at most one export in flight.
 *
 * With `{ quiescent: true }` (nothing should be happening) it also checks that no generation job
 * exists and no queue is locked.
 */
import assert from "node:assert/strict";
import type { Sql } from "../../core/db/client.ts";
import { runSummary } from "../../core/engine/run_summary.ts";

export async function assertInvariants(sql: Sql, options: { quiescent?: boolean } = {}): Promise<void> {
  // A run ends in the transaction of its last part; graphile-worker deletes that job and unlocks
  // its queue a moment later, after the task returns. Give those completions time to land.
  if (options.quiescent) await settle(sql, 5000);
  const problems: string[] = [];
  const conn = await sql.reserve();
  try {
    await conn`begin isolation level repeatable read read only`;
    const stranded = await conn`
      select p.part, p.sentence_id, p.status, r.status as run_status, j.id as job_id, j.locked_at, j.attempts, j.max_attempts
      from (select kind as part, sentence_id, run_id, status, made_by_job from scene_parts
            where status in ('queued', 'running')) p
      left join scene_runs r on r.id = p.run_id
      left join graphile_worker.jobs j on j.key = coalesce(p.made_by_job, p.part || ':' || p.sentence_id)
      where r.status is distinct from 'active' or j.id is null
         or (j.locked_at is null and j.attempts >= j.max_attempts)`;
    for (const s of stranded) {
      problems.push(
        `the ${s.part} of sentence ${s.sentence_id} is ${s.status} ` +
          (s.run_status !== "active"
            ? `but its run is ${s.run_status ?? "missing"}`
            : s.job_id === null
            ? "without a job"
            : `but its job ${s.job_id} is dead (${s.attempts}/${s.max_attempts} attempts)`),
      );
    }

    const doubleActive = await conn`
      select project_id, count(*)::int as n from scene_runs where status = 'active' group by project_id having count(*) > 1`;
    for (const d of doubleActive) problems.push(`project ${d.project_id} has ${d.n} active runs`);

    const idleActive = await conn`
      select r.id from scene_runs r where r.status = 'active'
        and not exists (select 1 from scene_parts p where p.run_id = r.id and p.status in ('queued', 'running'))`;
    for (const r of idleActive) problems.push(`run ${r.id} is active with nothing queued or running`);

    const orphans = await conn`
      select j.id, j.key, j.task_identifier, j.locked_at, j.attempts, j.max_attempts
      from graphile_worker.jobs j
      where j.task_identifier in ('generate_image', 'generate_video', 'generate_audio')
        and (j.key is null or not exists (
          select 1 from scene_parts p
          where j.key = coalesce(p.made_by_job, p.kind || ':' || p.sentence_id) and p.status in ('queued', 'running')
        ))
        -- A running job may have just lost its part to a cancel; it ends by itself.
        and j.locked_at is null`;
    for (const o of orphans) {
      problems.push(`job ${o.id} (${o.task_identifier}, key ${o.key ?? "none"}) backs no scene part in flight`);
    }

    const crowdedQueues = await conn`
      select queue_name, count(*)::int as n from graphile_worker.jobs
      where locked_at is not null and queue_name is not null group by queue_name having count(*) > 1`;
    for (const q of crowdedQueues) problems.push(`queue ${q.queue_name} has ${q.n} jobs running at once`);
    const queueLocks = await conn`
      select q.queue_name, q.locked_by,
        (select count(*)::int from graphile_worker._private_jobs j where j.job_queue_id = q.id and j.locked_by = q.locked_by) as n
      from graphile_worker._private_job_queues q where q.locked_by is not null`;
    for (const q of queueLocks) {
      if (q.n !== 1) problems.push(`queue ${q.queue_name} is locked by ${q.locked_by}, which runs ${q.n} of its jobs`);
    }

    const strayMadeBy = await conn`
      select sentence_id, kind, made_by_job from scene_parts
      where made_by_job is not null and (kind <> 'audio' or made_by_job !~ '^audio:[0-9]+$')`;
    for (const m of strayMadeBy) {
      problems.push(`the ${m.kind} of sentence ${m.sentence_id} is made by job ${m.made_by_job}, not a narration job`);
    }

    const strandedExports = await conn`
      select e.id, e.status from exports e
      left join graphile_worker.jobs j on j.key = 'export:' || e.id
      where e.status in ('queued', 'running') and (j.id is null or (j.locked_at is null and j.attempts >= j.max_attempts))`;
    for (const e of strandedExports) problems.push(`export ${e.id} is ${e.status} without a live render job`);
    const strayRenders = await conn`
      select j.id, j.key from graphile_worker.jobs j
      where j.task_identifier = 'render_export' and j.locked_at is null and not exists (
        select 1 from exports e where j.key = 'export:' || e.id and e.status in ('queued', 'running'))`;
    for (const j of strayRenders) {
      problems.push(`render job ${j.id} (key ${j.key ?? "none"}) backs no export in flight`);
    }
    const liveExports = await conn`
      select project_id, count(*)::int as n from exports where status in ('queued', 'running')
      group by project_id having count(*) > 1`;
    for (const e of liveExports) problems.push(`project ${e.project_id} has ${e.n} exports in flight`);

    const endedRuns = await conn<{ id: number }[]>`select id from scene_runs where status <> 'active'`;
    for (const { id } of endedRuns) {
      const summary = (await runSummary(conn as unknown as Sql, id))!;
      const [stored] = await conn`
        select total_scenes, finished_scenes, failed_scenes, cancelled_scenes from scene_runs where id = ${id}`;
      if (summary.finishedScenes !== summary.totalScenes) {
        problems.push(
          `run ${id} is ${summary.status} with ${summary.totalScenes - summary.finishedScenes} scenes in flight`,
        );
      }
      const counts = [summary.totalScenes, summary.finishedScenes, summary.failedScenes, summary.cancelledScenes];
      const storedCounts = [stored.total_scenes, stored.finished_scenes, stored.failed_scenes, stored.cancelled_scenes];
      // A later run can take over a scene (retry), so only the newest run of a project must match exactly.
      const [newest] = await conn`
        select id from scene_runs where project_id = (select project_id from scene_runs where id = ${id})
        order by id desc limit 1`;
      if (newest.id === id && counts.join() !== storedCounts.join()) {
        problems.push(`run ${id} stores counts ${storedCounts.join("/")} but its scenes say ${counts.join("/")}`);
      }
    }

    if (options.quiescent) {
      // (Other tasks, like the hourly prune_events, may come and go at any time.)
      const jobs = await conn`select id, task_identifier, key, locked_by from graphile_worker.jobs
        where task_identifier in ('generate_image', 'generate_video', 'generate_audio', 'render_export')`;
      for (const j of jobs) problems.push(`job ${j.id} (${j.task_identifier}, ${j.key}) still exists`);
      const locked = await conn`select queue_name from graphile_worker._private_job_queues where locked_by is not null`;
      for (const q of locked) problems.push(`queue ${q.queue_name} is still locked`);
    }
    await conn`commit`;
  } finally {
    conn.release();
  }
  assert.deepEqual(problems, [], `engine invariants broken:\n- ${problems.join("\n- ")}`);
}

/** Waits (at most `ms`) until no generation job exists and no queue is locked. */
async function settle(sql: Sql, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const [{ busy }] = await sql<{ busy: boolean }[]>`
      select exists (select 1 from graphile_worker.jobs
          where task_identifier in ('generate_image', 'generate_video', 'generate_audio', 'render_export'))
        or exists (select 1 from graphile_worker._private_job_queues where locked_by is not null) as busy`;
    if (!busy) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
