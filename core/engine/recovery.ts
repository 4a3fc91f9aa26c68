/**
 * Crash recovery. graphile-worker leaves a killed worker's jobs locked for four hours, and a scene
 * part must never stay `queued`/`running` without a live job behind it. So:
 *
 * - every worker pool writes a heartbeat row (worker_heartbeats) every WORKER_HEARTBEAT_MS;
 * - {@link unlockDeadWorkers}: any live worker releases, with graphile_worker.force_unlock_workers,
 *   the jobs of pools silent for longer than WORKER_DEAD_AFTER_MS (and of pools that hold locks that
 *   old without any heartbeat at all);
 * - {@link reconcile} (at start-up, after an unlock, and now and then) makes scene states agree
 *   with the jobs table: a part whose job vanished is queued again (or ends cancelled/failed when its
 *   run is over), a part whose job died on its last attempt fails with a message, a part shown
 *   `running` whose job is no longer locked goes back to `queued`, jobs nobody needs are deleted, and
 *   an active run with nothing left in flight is completed.
 *
 * Every change takes the project lock and re-checks under it, so concurrent reconcilers (several
 * workers) and the engine's own transactions never undo each other.
 */
import type { Sql, Tx } from "../db/client.ts";
import { processRuns } from "../system/process.ts";
import type { PendingEvent } from "../live/events.ts";
import { afterPartChange } from "./run_summary.ts";
import { enqueuePartJobs, jobKey, lockProject, PART_TASKS, setPart } from "./parts.ts";
import type { PartName, PartStatus, RunStatus } from "../types.ts";

/** Records that pool `poolId` is alive (inserting its row when missing). */
export async function beat(sql: Sql, poolId: string): Promise<void> {
  await sql`
    insert into worker_heartbeats (pool_id, host, pid) values (${poolId}, ${Deno.hostname()}, ${Deno.pid})
    on conflict (pool_id) do update set last_seen_at = now()`;
}

/** Removes a pool's heartbeat (clean shutdown). */
export async function removeHeartbeat(sql: Sql, poolId: string): Promise<void> {
  await sql`delete from worker_heartbeats where pool_id = ${poolId}`;
}

/**
 * Releases the jobs of dead pools; returns their ids (empty when every worker is alive). A pool is
 * dead when silent for `deadAfterMs`, or sooner — after `heartbeatMs` × 2 of silence — when its
 * heartbeat names this host and a process that no longer runs here (the common crash-and-restart
 * of a single-machine install). The silence bound keeps a live worker of another machine or
 * container that shares the host name from ever being taken for dead.
 */
export async function unlockDeadWorkers(sql: Sql, deadAfterMs: number, heartbeatMs = deadAfterMs): Promise<string[]> {
  const local = await sql<{ pool_id: string; pid: number }[]>`
    select pool_id, pid from worker_heartbeats
    where host = ${Deno.hostname()} and pid <> ${Deno.pid}
      and last_seen_at < now() - ${2 * heartbeatMs} * interval '1 millisecond'`;
  const gone = local.filter((row) => !processRuns(row.pid)).map((row) => row.pool_id);
  return await sql.begin(async (tx) => {
    const [{ ids }] = await tx<{ ids: string[] }[]>`
      with threshold as (select now() - ${deadAfterMs} * interval '1 millisecond' as t),
      silent as (
        delete from worker_heartbeats
        where last_seen_at < (select t from threshold) or pool_id = any(${gone}::text[])
        returning pool_id
      ),
      lock_holders as (
        select locked_by as pool_id, locked_at from graphile_worker.jobs where locked_by is not null
        union all
        select locked_by, locked_at from graphile_worker._private_job_queues where locked_by is not null
      ),
      unknown as (
        select distinct l.pool_id from lock_holders l
        where l.locked_at < (select t from threshold)
          and not exists (
            select 1 from worker_heartbeats h
            where h.pool_id = l.pool_id and h.last_seen_at >= (select t from threshold)
          )
      )
      select array(select pool_id from silent union select pool_id from unknown) as ids`;
    if (ids.length) await tx`select graphile_worker.force_unlock_workers(${ids}::text[])`;
    return ids;
  });
}

/** What {@link reconcile} changed. */
export interface ReconcileReport {
  requeued: number;
  failed: number;
  cancelled: number;
  /** Parts shown running whose worker died, back to queued. */
  released: number;
  deletedJobs: number;
  completedRuns: number;
}

interface Problem {
  project_id: number;
  part: PartName;
  sentence_id: number;
  run_id: number | null;
  status: PartStatus;
  attempts: number;
  run_status: RunStatus | null;
  job_id: string | null;
  locked: boolean | null;
  job_attempts: number | null;
  max_attempts: number | null;
  last_error: string | null;
}

/** Makes scene states and jobs agree; see the module documentation. Safe to run anywhere, any time. */
export async function reconcile(sql: Sql, settings: { maxAttempts: number }): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    requeued: 0,
    failed: 0,
    cancelled: 0,
    released: 0,
    deletedJobs: 0,
    completedRuns: 0,
  };

  // 1. Scene parts in flight without a healthy job.
  const projects = new Set((await findProblems(sql, null)).map((p) => p.project_id));
  for (const projectId of projects) {
    await sql.begin(async (tx) => {
      if (!(await lockProject(tx, projectId))) return;
      const byRun = new Map<number, PendingEvent[]>();
      const add = (runId: number | null, event: PendingEvent) => {
        if (runId === null) return;
        byRun.set(runId, [...(byRun.get(runId) ?? []), event]);
      };
      for (const p of await findProblems(tx, projectId)) {
        const key = jobKey(p.part, p.sentence_id);
        if (p.run_status !== "active") {
          if (p.job_id !== null) await removeJob(tx, p.job_id, key, !!p.locked);
          const cancelled = p.run_status === "cancelled";
          add(
            p.run_id,
            await setPart(tx, p.part, p.sentence_id, {
              status: cancelled ? "cancelled" : "failed",
              error: cancelled ? null : `This ${p.part} was left unfinished by a run that has ended. Retry it.`,
            }),
          );
          if (cancelled) report.cancelled++;
          else report.failed++;
        } else if (p.job_id === null) {
          await enqueuePartJobs(tx, [{
            part: p.part,
            runId: p.run_id!,
            sentenceId: p.sentence_id,
            attempts: p.attempts,
          }], settings.maxAttempts);
          add(p.run_id, await setPart(tx, p.part, p.sentence_id, { status: "queued" }));
          report.requeued++;
        } else if (!p.locked && p.job_attempts! >= p.max_attempts!) {
          await tx`select 1 from graphile_worker.complete_jobs(array[${p.job_id}]::bigint[])`;
          report.deletedJobs++;
          const why = p.last_error
            ? `It failed ${p.job_attempts} times; the last error was: ${p.last_error}`
            : `The worker running it stopped unexpectedly on its last attempt (${p.job_attempts} of ${p.max_attempts}).`;
          add(
            p.run_id,
            await setPart(tx, p.part, p.sentence_id, {
              status: "failed",
              error: `The ${p.part} could not be generated. ${why}`,
            }),
          );
          report.failed++;
        } else if (!p.locked && p.status === "running") {
          add(
            p.run_id,
            await setPart(tx, p.part, p.sentence_id, {
              status: "queued",
              error: "The worker running this stopped unexpectedly; another worker will retry it.",
            }),
          );
          report.released++;
        }
      }
      for (const [runId, events] of byRun) await afterPartChange(tx, runId, events);
    });
  }

  // 2. Jobs of our tasks that no part needs: keyless leftovers (graphile-worker clears the key of a
  //    running job that is removed or replaced), and jobs whose part is not in flight. (A dead job
  //    whose part is in flight is step 1's: that part must fail, not be queued again.)
  const orphans = await sql<{ id: string; key: string | null; project_id: number | null }[]>`
    select j.id::text, j.key, s.project_id
    from graphile_worker.jobs j
    left join sentences s on j.key is not null and s.id = (case when j.key ~ '^(image|video):[0-9]{1,9}$' then split_part(j.key, ':', 2)::int end)
    where j.task_identifier in (${PART_TASKS.image}, ${PART_TASKS.video}) and j.locked_at is null
      and (j.key is null or not ${partInFlight(sql)})`;
  const keyless = orphans.filter((o) => o.key === null || o.project_id === null).map((o) => o.id);
  if (keyless.length) {
    const deleted = await sql`select 1 from graphile_worker.complete_jobs(${keyless}::bigint[])`;
    report.deletedJobs += deleted.length;
  }
  for (
    const projectId of new Set(orphans.filter((o) => o.key !== null && o.project_id !== null).map((o) => o.project_id!))
  ) {
    await sql.begin(async (tx) => {
      await lockProject(tx, projectId);
      // Re-checked under the lock: a start or retry may have given the key a new life meanwhile.
      const deleted = await tx`
        select 1 from graphile_worker.complete_jobs(array(
          select j.id from graphile_worker.jobs j
          join sentences s on s.id = (case when j.key ~ '^(image|video):[0-9]{1,9}$' then split_part(j.key, ':', 2)::int end)
          where s.project_id = ${projectId} and j.locked_at is null
            and j.task_identifier in (${PART_TASKS.image}, ${PART_TASKS.video})
            and not ${partInFlight(tx)}
        ))`;
      report.deletedJobs += deleted.length;
    });
  }

  // 3. Active runs with nothing left in flight.
  const idle = await sql<{ id: number; project_id: number }[]>`
    select r.id, r.project_id from scene_runs r
    where r.status = 'active'
      and not exists (select 1 from sentences s where s.image_run_id = r.id and s.image_status in ('queued', 'running'))
      and not exists (select 1 from sentences s where s.video_run_id = r.id and s.video_status in ('queued', 'running'))`;
  for (const run of idle) {
    await sql.begin(async (tx) => {
      await lockProject(tx, run.project_id);
      const summary = await afterPartChange(tx, run.id);
      if (summary.status === "completed") report.completedRuns++;
    });
  }
  return report;
}

/** SQL fragment: the part named by job `j`'s key is queued or running on sentence `s`. */
function partInFlight(sql: Sql | Tx) {
  return sql`coalesce(case split_part(j.key, ':', 1)
    when 'image' then s.image_status in ('queued', 'running')
    when 'video' then s.video_status in ('queued', 'running')
    end, false)`;
}

async function findProblems(sql: Sql | Tx, projectId: number | null): Promise<Problem[]> {
  return await sql<Problem[]>`
    select p.project_id, p.part, p.sentence_id, p.run_id, p.status, p.attempts, r.status as run_status,
      j.id::text as job_id, j.locked_at is not null as locked, j.attempts as job_attempts, j.max_attempts, j.last_error
    from (
      select s.project_id, 'image' as part, s.id as sentence_id, s.image_run_id as run_id,
        s.image_status as status, s.image_attempts as attempts
      from sentences s
      where s.image_status in ('queued', 'running') and (${projectId}::int is null or s.project_id = ${projectId}::int)
      union all
      select s.project_id, 'video', s.id, s.video_run_id, s.video_status, s.video_attempts
      from sentences s
      where s.video_status in ('queued', 'running') and (${projectId}::int is null or s.project_id = ${projectId}::int)
    ) p
    left join scene_runs r on r.id = p.run_id
    left join graphile_worker.jobs j on j.key = p.part || ':' || p.sentence_id
    where r.status is distinct from 'active'
      or j.id is null
      or (j.locked_at is null and (j.attempts >= j.max_attempts or p.status = 'running'))
    order by p.sentence_id, p.part`;
}

async function removeJob(tx: Tx, jobId: string, key: string, locked: boolean): Promise<void> {
  if (locked) await tx`select graphile_worker.remove_job(${key})`;
  else await tx`select 1 from graphile_worker.complete_jobs(array[${jobId}]::bigint[])`;
}
