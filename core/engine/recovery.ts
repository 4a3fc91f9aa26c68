/**
 * Crash recovery: a scene part must never stay `queued`/`running` without a live job behind it.
 * {@link reconcile} (at start-up, after dead workers' jobs were released — see ./heartbeats.ts —
 * and now and then) makes scene states agree with the jobs table: a part whose job vanished is
 * queued again (or ends cancelled/failed when its run is over), a part whose job died on its last
 * attempt fails with a message, a part shown `running` whose job is no longer locked goes back to
 * `queued`, jobs nobody needs are deleted, a run whose images are through gets its held videos
 * released, and an active run with nothing left in flight is completed. Exports get the same care
 * (../exports/recovery.ts).
 *
 * A part's job is its own (`<kind>:<sentenceId>`) or, for a sentence whose narration a section job
 * makes, that job (`made_by_job`, see ./section_claim.ts): a section job's death fails, releases or
 * re-queues every sentence it claimed, each like a part of its own.
 *
 * Every change takes the project lock and re-checks under it, so concurrent reconcilers (several
 * workers) and the engine's own transactions never undo each other.
 */
import type { Sql, Tx } from "../db/client.ts";
import type { PendingEvent } from "../live/events.ts";
import type { PartName, PartStatus, RunStatus } from "../types.ts";
import { enqueuePartJobs, type EnqueueSettings, jobKeyOf, liveJobKeyOf, parseJobKey, PART_TASKS } from "./jobs.ts";
import { lockProject, updatePart } from "./parts.ts";
import { afterPartChange } from "./run_summary.ts";
import { reconcileExports } from "../exports/recovery.ts";

/** What {@link reconcile} changed. */
export interface ReconcileReport {
  requeued: number;
  failed: number;
  cancelled: number;
  /** Parts shown running whose worker died, back to queued. */
  released: number;
  deletedJobs: number;
  completedRuns: number;
  /** Exports queued again, and failed, because their render job was gone or dead (core/exports/recovery.ts). */
  exportsRequeued: number;
  exportsFailed: number;
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
  /** The key of the job that makes the part: its own, or a section job's (made_by_job). */
  job_key: string;
  locked: boolean | null;
  job_attempts: number | null;
  max_attempts: number | null;
  last_error: string | null;
}

/** Makes scene states and jobs agree; see the module documentation. Safe to run anywhere, any time. */
export async function reconcile(sql: Sql, settings: EnqueueSettings): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    requeued: 0,
    failed: 0,
    cancelled: 0,
    released: 0,
    deletedJobs: 0,
    completedRuns: 0,
    exportsRequeued: 0,
    exportsFailed: 0,
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
        if (p.run_status !== "active") {
          if (p.job_id !== null) await removeJob(tx, p.job_id, p.job_key, !!p.locked);
          const cancelled = p.run_status === "cancelled";
          add(
            p.run_id,
            await updatePart(tx, p.part, p.sentence_id, {
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
          }], settings);
          add(p.run_id, await updatePart(tx, p.part, p.sentence_id, { status: "queued", madeBy: null }));
          report.requeued++;
        } else if (!p.locked && p.job_attempts! >= p.max_attempts!) {
          await tx`select 1 from graphile_worker.complete_jobs(array[${p.job_id}]::bigint[])`;
          report.deletedJobs++;
          const why = p.last_error
            ? `It failed ${p.job_attempts} times; the last error was: ${p.last_error}`
            : `The worker running it stopped unexpectedly on its last attempt (${p.job_attempts} of ${p.max_attempts}).`;
          add(
            p.run_id,
            await updatePart(tx, p.part, p.sentence_id, {
              status: "failed",
              error: `The ${p.part} could not be generated. ${why}`,
            }),
          );
          report.failed++;
        } else if (!p.locked && p.status === "running") {
          add(
            p.run_id,
            await updatePart(tx, p.part, p.sentence_id, {
              status: "queued",
              phase: null,
              error:
                "This part stopped before it finished (its worker stopped or lost the database); it will run again.",
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
  const tasks = Object.values(PART_TASKS);
  const orphans = await sql<{ id: string; key: string | null; project_id: number | null }[]>`
    select j.id::text, j.key, s.project_id
    from graphile_worker.jobs j
    left join scene_parts p on ${jobKeyOf(sql)} = j.key
    left join sentences s on s.id = p.sentence_id
    where j.task_identifier = any(${tasks}::text[]) and j.locked_at is null
      and (p.sentence_id is null or p.status not in ('queued', 'running'))`;
  const keyless = orphans.filter((o) => parseJobKey(o.key) === null || o.project_id === null).map((o) => o.id);
  if (keyless.length) {
    const deleted = await sql`select 1 from graphile_worker.complete_jobs(${keyless}::bigint[])`;
    report.deletedJobs += deleted.length;
  }
  for (const projectId of new Set(orphans.filter((o) => o.project_id !== null).map((o) => o.project_id!))) {
    await sql.begin(async (tx) => {
      await lockProject(tx, projectId);
      // Re-checked under the lock: a start or retry may have given the key a new life meanwhile.
      const deleted = await tx`
        select 1 from graphile_worker.complete_jobs(array(
          select j.id from graphile_worker.jobs j
          join scene_parts p on ${jobKeyOf(tx)} = j.key
          join sentences s on s.id = p.sentence_id
          where s.project_id = ${projectId} and j.locked_at is null
            and j.task_identifier = any(${tasks}::text[])
            and p.status not in ('queued', 'running')
        ))`;
      report.deletedJobs += deleted.length;
    });
  }

  // 3. Active runs with nothing left in flight.
  const idle = await sql<{ id: number; project_id: number }[]>`
    select r.id, r.project_id from scene_runs r
    where r.status = 'active' and not exists (
      select 1 from scene_parts p
      where p.run_id = r.id and p.status in ('queued', 'running') and p.phase is distinct from 'held'
    )`;
  for (const run of idle) {
    await sql.begin(async (tx) => {
      await lockProject(tx, run.project_id);
      // Completes the run, or releases its held videos when only they are left.
      const summary = await afterPartChange(tx, run.id);
      if (summary.status === "completed") report.completedRuns++;
    });
  }

  // 4. Exports and their render jobs.
  const exports = await reconcileExports(sql, settings);
  report.exportsRequeued = exports.requeued;
  report.exportsFailed = exports.failed;
  report.deletedJobs += exports.deletedJobs;
  return report;
}

/**
 * Parts in flight that need attention (see {@link reconcile}). Found run by run, through the index
 * on (run_id, status): a part in flight always has a run (a check constraint), and its run exists
 * (a foreign key).
 */
async function findProblems(sql: Sql | Tx, projectId: number | null): Promise<Problem[]> {
  return await sql<Problem[]>`
    select s.project_id, p.kind as part, p.sentence_id, p.run_id, p.status, p.attempts, r.status as run_status,
      j.id::text as job_id, ${
    liveJobKeyOf(sql)
  } as job_key, j.locked_at is not null as locked, j.attempts as job_attempts, j.max_attempts, j.last_error
    from scene_runs r
    join scene_parts p on p.run_id = r.id and p.status in ('queued', 'running')
    join sentences s on s.id = p.sentence_id
    left join graphile_worker.jobs j on j.key = ${liveJobKeyOf(sql)}
    where (${projectId}::int is null or s.project_id = ${projectId}::int)
      and (r.status <> 'active'
        or j.id is null
        or (j.locked_at is null and (j.attempts >= j.max_attempts or p.status = 'running')))
    order by p.sentence_id, p.kind`;
}

async function removeJob(tx: Tx, jobId: string, key: string, locked: boolean): Promise<void> {
  if (locked) await tx`select graphile_worker.remove_job(${key})`;
  else await tx`select 1 from graphile_worker.complete_jobs(array[${jobId}]::bigint[])`;
}
