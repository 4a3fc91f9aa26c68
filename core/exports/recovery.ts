/**
 * Crash recovery for exports, the twin of core/engine/recovery.ts for scene parts: an export
 * `queued` or `running` must have its `render_export` job (key `export:<id>`) behind it. Without one
 * it is queued again under a new job; one whose job died on its last attempt fails with the reason;
 * one shown `running` whose job is no longer locked (its worker died) shows `queued` until a worker
 * takes it again; jobs no export needs are deleted. Every change re-checks under the project lock.
 */
import type { Sql } from "../db/client.ts";
import { appendEvents } from "../live/events.ts";
import { EXPORT_TASK, exportJobKey } from "../engine/jobs.ts";
import { lockProject } from "../engine/parts.ts";
import { enqueueExport, exportEvent, type ExportRow, toExportView } from "./exports.ts";

/** What {@link reconcileExports} changed. */
export interface ExportsReport {
  requeued: number;
  failed: number;
  deletedJobs: number;
}

/** An export in flight with its job, if any. */
interface JobState extends ExportRow {
  job_id: string | null;
  job_attempts: number;
  max_attempts: number;
  locked: boolean | null;
  job_error: string | null;
}

/** Makes exports and their jobs agree; see the module documentation. */
export async function reconcileExports(sql: Sql, settings: { maxAttempts: number }): Promise<ExportsReport> {
  const report: ExportsReport = { requeued: 0, failed: 0, deletedJobs: 0 };
  const problems = await sql<{ id: number; project_id: number }[]>`
    select e.id, e.project_id from exports e
    left join graphile_worker.jobs j on j.key = 'export:' || e.id
    where e.status in ('queued', 'running')
      and (j.id is null or (j.locked_at is null and (j.attempts >= j.max_attempts or e.status = 'running')))`;
  for (const problem of problems) {
    await sql.begin(async (tx) => {
      if (!(await lockProject(tx, problem.project_id))) return;
      const [state] = await tx<JobState[]>`
        select e.*, j.id::text as job_id, j.attempts as job_attempts, j.max_attempts,
          j.locked_at is not null as locked, j.last_error as job_error
        from exports e left join graphile_worker.jobs j on j.key = ${exportJobKey(problem.id)}
        where e.id = ${problem.id} and e.status in ('queued', 'running')`;
      if (!state) return;
      const locked = state.locked === true;
      let row: ExportRow | undefined;
      if (state.job_id === null) {
        await enqueueExport(tx, state.id, settings);
        [row] = await tx<ExportRow[]>`update exports set status = 'queued' where id = ${state.id} returning *`;
        report.requeued++;
      } else if (!locked && state.job_attempts >= state.max_attempts) {
        await tx`select 1 from graphile_worker.complete_jobs(array[${state.job_id}]::bigint[])`;
        const why = state.job_error;
        [row] = await tx<ExportRow[]>`
          update exports set status = 'failed', finished_at = now(),
            error = ${`The export stopped unexpectedly ${state.job_attempts} times${
          why ? ` (last error: ${why})` : ""
        }. Try exporting again.`}
          where id = ${state.id} returning *`;
        report.failed++;
      } else if (!locked && state.status === "running") {
        [row] = await tx<
          ExportRow[]
        >`update exports set status = 'queued', progress = 0 where id = ${state.id} returning *`;
      }
      if (row) await appendEvents(tx, row.project_id, null, [exportEvent(toExportView(row))]);
    });
  }
  const deleted = await sql`
    select 1 from graphile_worker.complete_jobs(array(
      select j.id from graphile_worker.jobs j
      where j.task_identifier = ${EXPORT_TASK} and j.locked_at is null
        and not exists (
          select 1 from exports e where j.key = 'export:' || e.id and e.status in ('queued', 'running'))))`;
  report.deletedJobs = deleted.length;
  return report;
}
