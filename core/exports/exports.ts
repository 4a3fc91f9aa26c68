/**
 * Exports of a project to one MP4, as creators ask for them: request (checked against the scenes
 * first, so a project with scenes that show nothing is refused with the list — unless placeholders
 * are asked for), read, list, cancel. Each change is one transaction under the project lock (the
 * lock runs use), writes an `export.updated` event, and enqueues or removes the `render_export`
 * job (queue `exports`, key `export:<id>`) in the same transaction. One export of a project is in
 * flight at a time; asking again returns it. The render itself: ./export_jobs.ts and
 * workers/tasks/render_export.ts.
 */
import type { Sql, Tx } from "../db/client.ts";
import { ConflictError, NotFoundError } from "../domain/errors.ts";
import { appendEvents } from "../live/events.ts";
import { CANCEL_CHANNEL, EXPORT_QUEUE, EXPORT_TASK, exportJobKey } from "../engine/jobs.ts";
import { lockProject } from "../engine/parts.ts";
import { planExport } from "../../media/export/plan.ts";
import { mediaUrl } from "../../media/store.ts";
import type { ExportStatus, ExportView } from "../types.ts";
import { exportPlanOptions, loadExportScenes } from "./export_scenes.ts";

/** What a creator asks of an export. */
export interface ExportRequest {
  captions?: { burnIn?: boolean };
  placeholders?: boolean;
}

/** An exports row. */
export interface ExportRow {
  id: number;
  project_id: number;
  status: ExportStatus;
  progress: number;
  options: ExportView["options"];
  mp4_path: string | null;
  srt_path: string | null;
  vtt_path: string | null;
  error: string | null;
  scene_count: number | null;
  duration_ms: number | null;
  elapsed_ms: number | null;
  attempts: number;
  created_at: Date;
  finished_at: Date | null;
}

/** An export as the API shows it. */
export function toExportView(row: ExportRow): ExportView {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status,
    progress: row.progress,
    options: row.options,
    files: row.mp4_path === null ? null : {
      mp4: mediaUrl(row.mp4_path)!,
      srt: mediaUrl(row.srt_path),
      vtt: mediaUrl(row.vtt_path),
    },
    error: row.error,
    sceneCount: row.scene_count,
    durationMs: row.duration_ms,
    elapsedMs: row.elapsed_ms,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The `export.updated` event of an export's current state. */
export function exportEvent(view: ExportView) {
  return { type: "export.updated" as const, data: view as unknown as Record<string, unknown> };
}

/**
 * Asks for an export of a project: `{export, created: true}`, or the export already in flight
 * (`created: false`). NotFoundError for an unknown project; ConflictError when it has no scenes, or
 * scenes with neither a video nor an image (`details.missing` lists them: `[{number, text,
 * missing}]`) and placeholders were not asked for.
 */
export async function requestExport(
  sql: Sql,
  projectId: number,
  request: ExportRequest,
  settings: { maxAttempts: number },
): Promise<{ export: ExportView; created: boolean }> {
  return await sql.begin(async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
    const [live] = await tx<ExportRow[]>`
      select * from exports where project_id = ${projectId} and status in ('queued', 'running')`;
    if (live) return { export: toExportView(live), created: false };
    const options: ExportView["options"] = {
      captions: { burnIn: request.captions?.burnIn ?? false },
      placeholders: request.placeholders ?? false,
    };
    const scenes = await loadExportScenes(tx, projectId);
    const check = planExport(scenes, exportPlanOptions(project, options));
    if (!check.ok) throw new ConflictError(check.message, { missing: check.missing });
    const [row] = await tx<ExportRow[]>`
      insert into exports (project_id, options, scene_count)
      values (${projectId}, ${tx.json(options as never)}, ${scenes.length})
      returning *`;
    await enqueueExport(tx, row.id, settings);
    const view = toExportView(row);
    await appendEvents(tx, projectId, null, [exportEvent(view)]);
    return { export: view, created: true };
  });
}

/** One export; NotFoundError when there is none. */
export async function getExport(sql: Sql, exportId: number): Promise<ExportView> {
  const [row] = await sql<ExportRow[]>`select * from exports where id = ${exportId}`;
  if (!row) throw new NotFoundError(`There is no export with id ${exportId}.`);
  return toExportView(row);
}

/** A project's exports, newest first; NotFoundError for an unknown project. */
export async function listExports(sql: Sql, projectId: number): Promise<ExportView[]> {
  const [project] = await sql`select 1 from projects where id = ${projectId}`;
  if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
  const rows = await sql<ExportRow[]>`select * from exports where project_id = ${projectId} order by id desc`;
  return rows.map(toExportView);
}

/**
 * Cancels an export that is queued or rendering: it ends `cancelled`, its job is removed, and the
 * worker rendering it is told to stop (NOTIFY at commit: ffmpeg is killed and the partial file
 * removed). An export already over is returned as it is. NotFoundError when there is none.
 */
export async function cancelExport(sql: Sql, exportId: number): Promise<ExportView> {
  return await sql.begin(async (tx) => {
    const [found] = await tx<{ project_id: number }[]>`select project_id from exports where id = ${exportId}`;
    if (!found) throw new NotFoundError(`There is no export with id ${exportId}.`);
    await lockProject(tx, found.project_id);
    const [row] = await tx<ExportRow[]>`
      update exports set status = 'cancelled', finished_at = now(), error = null
      where id = ${exportId} and status in ('queued', 'running')
      returning *`;
    if (!row) return toExportView((await tx<ExportRow[]>`select * from exports where id = ${exportId}`)[0]);
    await stopExportJob(tx, exportId);
    const view = toExportView(row);
    await appendEvents(tx, row.project_id, null, [exportEvent(view)]);
    return view;
  });
}

/**
 * Removes an export's job and tells the worker running it to stop (at commit), inside the caller's
 * transaction: a queued job is deleted, a running one loses its key and is aborted.
 */
export async function stopExportJob(tx: Tx, exportId: number): Promise<void> {
  await tx`select graphile_worker.remove_job(${exportJobKey(exportId)})`;
  await tx`select pg_notify(${CANCEL_CHANNEL}, ${exportJobKey(exportId)})`;
}

/**
 * Stops a project's exports in flight before the project is deleted (inside the caller's
 * transaction, which holds the project lock): their jobs go and their renders are aborted.
 */
export async function withdrawExports(tx: Tx, projectId: number): Promise<void> {
  const live = await tx<{ id: number }[]>`
    select id from exports where project_id = ${projectId} and status in ('queued', 'running')`;
  for (const e of live) await stopExportJob(tx, e.id);
}

/** Adds the render job of an export inside the caller's transaction. */
export async function enqueueExport(
  tx: Tx,
  exportId: number,
  options: { maxAttempts: number; runAt?: Date },
): Promise<void> {
  await tx`
    select graphile_worker.add_job(${EXPORT_TASK}::text, json_build_object('exportId', ${exportId}::int),
      queue_name => ${EXPORT_QUEUE}::text, job_key => ${exportJobKey(exportId)}::text,
      run_at => ${options.runAt?.toISOString() ?? null}::timestamptz, max_attempts => ${options.maxAttempts}::int)`;
}
