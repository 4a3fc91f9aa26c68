/**
 * A run's counts, derived from the scene parts it owns (sentences.image_run_id / video_run_id):
 * never kept by hand, so they cannot drift. {@link afterPartChange} is what every state change of
 * a run calls last: it writes the counts onto scene_runs (for admins' plain SQL), emits
 * `run.progress`, and ends the run as `completed` (with `run.completed`) when nothing of it is left
 * queued or running.
 */
import type { Sql, Tx } from "../db/client.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import type { FailedScene, PartName, RunStatus, RunSummary } from "../types.ts";

/** Failed scenes listed in events (the count is always exact; GET …/scene-run lists them all). */
export const EVENT_FAILED_LIMIT = 100;

/** The summary of run `runId`, or null when there is no such run. */
export async function runSummary(
  sql: Sql | Tx,
  runId: number,
  options: { failedLimit?: number } = {},
): Promise<RunSummary | null> {
  return (await summaryWithClock(sql, runId, options))?.summary ?? null;
}

interface CountsRow {
  id: number;
  project_id: number;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  cancelled_at: Date | null;
  now: Date;
  total: number;
  finished: number;
  failed: number;
  cancelled: number;
  images_total: number;
  images_done: number;
  videos_done: number;
}

/** The summary plus the transaction's now() (the timestamp a run ended in this transaction gets). */
async function summaryWithClock(
  sql: Sql | Tx,
  runId: number,
  options: { failedLimit?: number },
): Promise<{ summary: RunSummary; now: Date } | null> {
  const [c] = await sql<CountsRow[]>`
    select r.id, r.project_id, r.status, r.started_at, r.finished_at, r.cancelled_at, now() as now, c.*
    from scene_runs r, (
      select
        count(*)::int as total,
        count(*) filter (where not live)::int as finished,
        count(*) filter (where not live and failed)::int as failed,
        count(*) filter (where not live and not failed and cancelled)::int as cancelled,
        count(*) filter (where in_image)::int as images_total,
        count(*) filter (where in_image and image_status = 'done')::int as images_done,
        count(*) filter (where in_video and video_status = 'done')::int as videos_done
      from (
        select image_status, video_status, in_image, in_video,
          (in_image and image_status in ('queued', 'running')) or (in_video and video_status in ('queued', 'running')) as live,
          (in_image and image_status = 'failed') or (in_video and video_status = 'failed') as failed,
          (in_image and image_status = 'cancelled') or (in_video and video_status = 'cancelled') as cancelled
        from (
          select s.image_status, s.video_status,
            coalesce(s.image_run_id = ${runId}, false) as in_image,
            coalesce(s.video_run_id = ${runId}, false) as in_video
          from sentences s
          where s.image_run_id = ${runId} or s.video_run_id = ${runId}
        ) owned
      ) parts
    ) c
    where r.id = ${runId}`;
  if (!c) return null;
  const failed = c.failed > 0 ? await failedScenes(sql, c.project_id, runId, options.failedLimit) : [];
  return {
    now: c.now,
    summary: {
      id: c.id,
      projectId: c.project_id,
      status: c.status,
      startedAt: c.started_at.toISOString(),
      finishedAt: c.finished_at?.toISOString() ?? null,
      cancelledAt: c.cancelled_at?.toISOString() ?? null,
      totalScenes: c.total,
      finishedScenes: c.finished,
      failedScenes: c.failed,
      cancelledScenes: c.cancelled,
      images: { done: c.images_done, total: c.images_total },
      // Every scene a run touches ends with a video when all goes well (an image is followed by its clip).
      videos: { done: c.videos_done, total: c.total },
      failed,
    },
  };
}

/** Failed parts of a run in scene order, with their 1-based scene numbers. */
async function failedScenes(sql: Sql | Tx, projectId: number, runId: number, limit?: number): Promise<FailedScene[]> {
  const rows = await sql<{ id: number; number: number; text: string; part: PartName; error: string | null }[]>`
    with numbered as (
      select s.id, row_number() over (order by sec.position, s.position)::int as number
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId}
    ), failed as (
      select s.id, s.text, 'image' as part, s.image_error as error
      from sentences s where s.image_run_id = ${runId} and s.image_status = 'failed'
      union all
      select s.id, s.text, 'video' as part, s.video_error as error
      from sentences s where s.video_run_id = ${runId} and s.video_status = 'failed'
    )
    select f.id, n.number, f.text, f.part, f.error
    from failed f join numbered n on n.id = f.id
    order by n.number, f.part
    limit ${limit ?? null}`;
  return rows.map((r) => ({
    sentenceId: r.id,
    number: r.number,
    text: r.text,
    part: r.part,
    error: r.error ?? `The ${r.part} failed without an error message.`,
  }));
}

/** An event to append, in order. */
/**
 * Call after changing scene parts of run `runId` (inside the transaction that holds the project
 * lock): ends the run as `completed` when nothing is left in flight, stores the counts on
 * scene_runs, and appends `run.progress` (and `run.completed`) after the caller's own events.
 * `writes` are the caller's statements still in flight: the summary query is pipelined behind them
 * (Postgres runs them in order, so it sees their effects), and `before` is read once they are
 * done. Two round trips. Returns the summary.
 */
export async function afterPartChange(
  tx: Tx,
  runId: number,
  before: PendingEvent[] = [],
  writes: Promise<unknown>[] = [],
): Promise<RunSummary> {
  const [{ summary, now }] = await Promise.all([
    summaryWithClock(tx, runId, { failedLimit: EVENT_FAILED_LIMIT }).then((s) => s!),
    ...writes,
  ]);
  const events = [...before];
  const completing = summary.status === "active" && summary.finishedScenes === summary.totalScenes;
  if (completing) {
    summary.status = "completed";
    summary.finishedAt = now.toISOString();
  }
  events.push({ type: "run.progress", data: summaryData(summary) });
  if (completing) events.push({ type: "run.completed", data: summaryData(summary) });
  await Promise.all([
    tx`
      update scene_runs set total_scenes = ${summary.totalScenes}, finished_scenes = ${summary.finishedScenes},
        failed_scenes = ${summary.failedScenes}, cancelled_scenes = ${summary.cancelledScenes}
        ${completing ? tx`, status = 'completed', finished_at = now()` : tx``}
      where id = ${runId}`,
    appendEvents(tx, summary.projectId, runId, events),
  ]);
  return summary;
}

/** A summary as event data. */
export function summaryData(summary: RunSummary): Record<string, unknown> {
  return summary as unknown as Record<string, unknown>;
}
