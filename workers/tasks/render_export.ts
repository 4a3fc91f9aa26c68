/**
 * Task `render_export` (queue `exports`, one render at a time across workers): one project to one
 * MP4 with its .srt and .vtt (media/export/render.ts), under media/projects/<id>/exports/.
 *
 * The export is claimed (queued → running), its scenes are read and planned again (they may have
 * changed since the request: a scene that now shows nothing fails the export with the list, unless
 * placeholders were asked for), then rendered with progress events at most every second. A cancel
 * (NOTIFY) aborts the render — ffmpeg is killed and nothing partial is left; a shutdown hands the
 * export back to the queue. An ffmpeg failure fails the export with its message: exporting again is
 * the creator's call.
 */
import type { Task } from "graphile-worker";
import { retryOnConnectionLoss } from "../../core/db/retry.ts";
import { exportJobKey } from "../../core/engine/jobs.ts";
import {
  claimExport,
  completeExport,
  failExport,
  releaseExport,
  reportExportProgress,
} from "../../core/exports/export_jobs.ts";
import { exportPlanOptions, loadExportScenes } from "../../core/exports/export_scenes.ts";
import { planExport } from "../../media/export/plan.ts";
import { renderExport } from "../../media/export/render.ts";
import { discardMediaFile, newExportFile } from "../../media/store.ts";
import { ExportCancelled } from "../running_jobs.ts";
import type { TaskContext } from "./part_task.ts";

/** How often a render's progress is stored and sent, at most. */
export const EXPORT_PROGRESS_EVERY_MS = 1000;

/** The `render_export` task: renders one export (see the module documentation). */
export function renderExportTask(ctx: TaskContext): Task {
  return async (payload, helpers) => {
    const exportId = (payload as { exportId?: unknown } | null)?.exportId;
    const job = helpers.job;
    if (!Number.isSafeInteger(exportId)) {
      ctx.log(`Job ${job.id} (${job.task_identifier}) has an unusable payload ${JSON.stringify(payload)}; dropped.`);
      return;
    }
    const id = exportId as number;
    const controller = ctx.jobs.add(String(job.id), 0, exportJobKey(id));
    const onShutdown = () => ctx.jobs.abortAll();
    helpers.abortSignal?.addEventListener("abort", onShutdown);
    try {
      const claim = await retryOnConnectionLoss(() => claimExport(ctx.sql, id));
      if (!claim) return;
      const started = performance.now();
      const { signal } = controller;
      const scenes = await loadExportScenes(ctx.sql, claim.projectId, ctx.dataDir);
      const planned = planExport(scenes, exportPlanOptions(claim, claim.options));
      if (!planned.ok) {
        await retryOnConnectionLoss(() => failExport(ctx.sql, id, planned.message));
        return;
      }
      const file = await newExportFile(ctx.dataDir, claim.projectId, id);
      const written = [file.absolute];
      let kept = false;
      try {
        let last = 0;
        const rendered = await renderExport(planned.plan, file.absolute, {
          signal,
          onProgress(fraction) {
            const now = performance.now();
            if (fraction >= 1 || now - last < EXPORT_PROGRESS_EVERY_MS || signal.aborted) return;
            last = now;
            reportExportProgress(ctx.sql, id, fraction).catch(() => {});
          },
        });
        if (rendered.srtPath) written.push(rendered.srtPath);
        if (rendered.vttPath) written.push(rendered.vttPath);
        const sidecar = (ext: "srt" | "vtt") =>
          rendered[`${ext}Path`] ? file.relative.replace(/\.mp4$/, `.${ext}`) : null;
        kept = await retryOnConnectionLoss(() =>
          completeExport(ctx.sql, id, {
            mp4: file.relative,
            srt: sidecar("srt"),
            vtt: sidecar("vtt"),
            durationMs: rendered.durationMs,
            sceneCount: planned.plan.scenes.length,
            elapsedMs: Math.round(performance.now() - started),
          })
        );
        ctx.log(`Job ${job.id} (${job.task_identifier}): export ${id} of project ${claim.projectId} is rendered.`, {
          jobId: job.id,
          task: job.task_identifier,
          projectId: claim.projectId,
          exportId: id,
          elapsedMs: Math.round(performance.now() - started),
        });
      } catch (error) {
        if (signal.aborted) {
          // A cancel already ended the export; a shutdown hands it back.
          if (!(signal.reason instanceof ExportCancelled)) {
            await retryOnConnectionLoss(() =>
              releaseExport(ctx.sql, id, { maxAttempts: ctx.settings.maxAttempts, runAt: job.run_at })
            );
          }
          return;
        }
        const detail = error instanceof Error ? error.message : String(error);
        ctx.log(
          `Job ${job.id} (${job.task_identifier}): export ${id} of project ${claim.projectId} failed: ${detail}`,
          {
            jobId: job.id,
            task: job.task_identifier,
            projectId: claim.projectId,
            exportId: id,
          },
        );
        await retryOnConnectionLoss(() =>
          failExport(
            ctx.sql,
            id,
            `The export could not be rendered: ${detail.replace(/\.$/, "")}. Try exporting again.`,
          )
        );
      } finally {
        if (!kept) await Promise.all(written.map((path) => discardMediaFile(path)));
      }
    } finally {
      ctx.jobs.remove(String(job.id));
      helpers.abortSignal?.removeEventListener("abort", onShutdown);
    }
  };
}
