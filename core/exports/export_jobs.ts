/**
 * The worker's side of an export: `queued → running → done | failed`, and back to `queued` when
 * the worker shuts down mid-render. Each step is one transaction under the project lock that
 * changes the row only if it is still in the state the worker expects (a cancel or a deleted
 * project wins: the step then changes nothing and the worker discards its files), and writes an
 * `export.updated` event. Progress is not a state: it is stored and sent at most every second.
 */
import type { Sql, Tx } from "../db/client.ts";
import { appendEvents } from "../live/events.ts";
import { lockProject } from "../engine/parts.ts";
import type { AspectRatio, ExportView } from "../types.ts";
import { enqueueExport, exportEvent, type ExportRow, toExportView } from "./exports.ts";

/** What the render needs, read when the worker claims the export. */
export interface ClaimedExport {
  id: number;
  projectId: number;
  options: ExportView["options"];
  aspectRatio: AspectRatio;
  clipSeconds: number;
}

/** Runs `change` on export `exportId` under its project's lock; null when the export is gone. */
async function withExport<T>(
  sql: Sql,
  exportId: number,
  change: (tx: Tx, projectId: number) => Promise<T>,
): Promise<T | null> {
  let result: T | null = null;
  await sql.begin(async (tx) => {
    const [found] = await tx<{ project_id: number }[]>`select project_id from exports where id = ${exportId}`;
    if (found && (await lockProject(tx, found.project_id))) result = await change(tx, found.project_id);
  });
  return result;
}

async function emit(tx: Tx, row: ExportRow | undefined): Promise<void> {
  if (row) await appendEvents(tx, row.project_id, null, [exportEvent(toExportView(row))]);
}

/**
 * queued → running (also running → running: the job runs again after its worker died). Null when
 * the export was cancelled, is over, or is gone: the job has nothing to do.
 */
export async function claimExport(sql: Sql, exportId: number): Promise<ClaimedExport | null> {
  return await withExport(sql, exportId, async (tx) => {
    const [row] = await tx<(ExportRow & { aspect_ratio: AspectRatio; clip_seconds: number })[]>`
      update exports e set status = 'running', progress = 0, attempts = e.attempts + 1,
        started_at = now(), error = null
      from projects p
      where e.id = ${exportId} and e.status in ('queued', 'running') and p.id = e.project_id
      returning e.*, p.aspect_ratio, p.clip_seconds`;
    if (!row) return null;
    await emit(tx, row);
    return {
      id: row.id,
      projectId: row.project_id,
      options: row.options,
      aspectRatio: row.aspect_ratio,
      clipSeconds: row.clip_seconds,
    };
  });
}

/** Stores and announces the fraction rendered, while the export is still running. */
export async function reportExportProgress(sql: Sql, exportId: number, fraction: number): Promise<void> {
  await withExport(sql, exportId, async (tx) => {
    const [row] = await tx<ExportRow[]>`
      update exports set progress = ${Math.min(0.999, Math.max(0, fraction))}
      where id = ${exportId} and status = 'running' returning *`;
    await emit(tx, row);
  });
}

/** What the render wrote (media paths relative to the media folder). */
export interface RenderedFiles {
  mp4: string;
  srt: string | null;
  vtt: string | null;
  durationMs: number;
  sceneCount: number;
  elapsedMs: number;
}

/** running → done with its files; false when the export no longer expects them (delete them). */
export async function completeExport(sql: Sql, exportId: number, files: RenderedFiles): Promise<boolean> {
  return (await withExport(sql, exportId, async (tx) => {
    const [row] = await tx<ExportRow[]>`
      update exports set status = 'done', progress = 1, mp4_path = ${files.mp4}, srt_path = ${files.srt},
        vtt_path = ${files.vtt}, duration_ms = ${files.durationMs}, scene_count = ${files.sceneCount},
        elapsed_ms = ${files.elapsedMs}, finished_at = now(), error = null
      where id = ${exportId} and status = 'running' returning *`;
    await emit(tx, row);
    return row !== undefined;
  })) ?? false;
}

/** running → failed with a message the creator can act on. */
export async function failExport(sql: Sql, exportId: number, error: string): Promise<void> {
  await withExport(sql, exportId, async (tx) => {
    const [row] = await tx<ExportRow[]>`
      update exports set status = 'failed', error = ${error}, finished_at = now()
      where id = ${exportId} and status = 'running' returning *`;
    await emit(tx, row);
  });
}

/**
 * The render was stopped by a worker shutdown: running → queued under a new job, which keeps the
 * interrupted job's place (`runAt`) and does not count the attempt.
 */
export async function releaseExport(sql: Sql, exportId: number, options: { maxAttempts: number; runAt?: Date }) {
  await withExport(sql, exportId, async (tx) => {
    const [row] = await tx<ExportRow[]>`
      update exports set status = 'queued', progress = 0, attempts = greatest(0, attempts - 1)
      where id = ${exportId} and status = 'running' returning *`;
    if (!row) return;
    await enqueueExport(tx, exportId, options);
    await emit(tx, row);
  });
}
