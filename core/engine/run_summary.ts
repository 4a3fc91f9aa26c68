/**
 * A run's counts, derived from the scene parts it owns (scene_parts.run_id): never kept by hand, so
 * they cannot drift. {@link afterPartChange} is what every state change of a run calls last: it
 * releases the run's held videos once its images are through, writes the counts onto scene_runs
 * (for admins' plain SQL), emits `run.progress`, and ends the run as `completed` (with
 * `run.completed`) when nothing of it is left queued or running.
 */
import type { Sql, Tx } from "../db/client.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import type { FailedScene, PartName, RunStatus, RunSummary } from "../types.ts";
import { releaseHeldJobs } from "./jobs.ts";
import { updatePartsWithEvents } from "./parts.ts";

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
  videos_total: number;
  videos_done: number;
  audio_total: number;
  audio_done: number;
  held: number;
  images_live: number;
}

/**
 * The summary plus the transaction's now() (the timestamp a run ended in this transaction gets).
 * Counted per scene: a scene is finished when none of its parts in this run is queued or running,
 * failed when one of them failed, cancelled when one was cancelled and none failed.
 */
async function summaryWithClock(
  sql: Sql | Tx,
  runId: number,
  options: { failedLimit?: number },
): Promise<{ summary: RunSummary; now: Date; held: number; imagesLive: number } | null> {
  const [c] = await sql<CountsRow[]>`
    select r.id, r.project_id, r.status, r.started_at, r.finished_at, r.cancelled_at, now() as now, c.*
    from scene_runs r, (
      select
        count(*)::int as total,
        count(*) filter (where not live)::int as finished,
        count(*) filter (where not live and failed)::int as failed,
        count(*) filter (where not live and not failed and cancelled)::int as cancelled,
        count(*) filter (where has_image)::int as images_total,
        count(*) filter (where image_done)::int as images_done,
        count(*) filter (where has_image or has_video)::int as videos_total,
        count(*) filter (where video_done)::int as videos_done,
        count(*) filter (where has_audio)::int as audio_total,
        count(*) filter (where audio_done)::int as audio_done,
        coalesce(sum(held), 0)::int as held,
        count(*) filter (where image_live)::int as images_live
      from (
        select p.sentence_id,
          bool_or(p.status in ('queued', 'running')) as live,
          bool_or(p.status = 'failed') as failed,
          bool_or(p.status = 'cancelled') as cancelled,
          bool_or(p.kind = 'image') as has_image,
          bool_or(p.kind = 'image' and p.status = 'done') as image_done,
          bool_or(p.kind = 'image' and p.status in ('queued', 'running')) as image_live,
          bool_or(p.kind = 'video') as has_video,
          bool_or(p.kind = 'video' and p.status = 'done') as video_done,
          bool_or(p.kind = 'audio') as has_audio,
          bool_or(p.kind = 'audio' and p.status = 'done') as audio_done,
          count(*) filter (where p.phase = 'held') as held
        from scene_parts p where p.run_id = ${runId}
        group by p.sentence_id
      ) scenes
    ) c
    where r.id = ${runId}`;
  if (!c) return null;
  const failed = c.failed > 0 ? await failedScenes(sql, c.project_id, runId, options.failedLimit) : [];
  return {
    now: c.now,
    held: c.held,
    imagesLive: c.images_live,
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
      videos: { done: c.videos_done, total: c.videos_total },
      audio: { done: c.audio_done, total: c.audio_total },
      failed,
    },
  };
}

/** A run just created (in this transaction) and every part it queued. */
export interface NewRun {
  id: number;
  projectId: number;
  /** The run's started_at: the transaction's now(). */
  startedAt: Date;
  /** Every part the run owns: unique per scene and kind; `held`: queued in the `held` phase. */
  parts: { part: PartName; sentenceId: number; held: boolean }[];
}

/**
 * The counts of a run just created, from the parts it queued (see {@link summaryWithClock}: the
 * same counts, computed from the same rows): every part is queued, so no scene has finished,
 * failed or been cancelled, and each total is the number of scenes with a part of that kind (a
 * scene whose image is queued makes its video too). Saves reading back 20,000 rows a moment after
 * writing them when Generate All starts a big project.
 */
function newRunCounts(run: NewRun): { summary: RunSummary; now: Date; held: number; imagesLive: number } {
  const scenes = new Set<number>();
  const withVideo = new Set<number>();
  const kinds = { image: 0, video: 0, audio: 0 };
  let held = 0;
  for (const p of run.parts) {
    scenes.add(p.sentenceId);
    kinds[p.part]++;
    if (p.part !== "audio") withVideo.add(p.sentenceId);
    if (p.held) held++;
  }
  return {
    now: run.startedAt,
    held,
    imagesLive: kinds.image,
    summary: {
      id: run.id,
      projectId: run.projectId,
      status: "active",
      startedAt: run.startedAt.toISOString(),
      finishedAt: null,
      cancelledAt: null,
      totalScenes: scenes.size,
      finishedScenes: 0,
      failedScenes: 0,
      cancelledScenes: 0,
      images: { done: 0, total: kinds.image },
      videos: { done: 0, total: withVideo.size },
      audio: { done: 0, total: kinds.audio },
      failed: [],
    },
  };
}

/** Failed parts of a run in scene order, with their 1-based scene numbers. */
async function failedScenes(sql: Sql | Tx, projectId: number, runId: number, limit?: number): Promise<FailedScene[]> {
  const rows = await sql<{ id: number; number: number; text: string; part: PartName; error: string | null }[]>`
    with numbered as (
      select s.id, s.text, row_number() over (order by sec.position, s.position)::int as number
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId}
    )
    select n.id, n.number, n.text, p.kind as part, p.error
    from scene_parts p join numbered n on n.id = p.sentence_id
    where p.run_id = ${runId} and p.status = 'failed'
    order by n.number, array_position(array['image', 'video', 'audio'], p.kind)
    limit ${limit ?? null}`;
  return rows.map((r) => ({
    sentenceId: r.id,
    number: r.number,
    text: r.text,
    part: r.part,
    error: r.error ?? `The ${r.part} failed without an error message.`,
  }));
}

/**
 * Call after changing scene parts of run `runId` (inside the transaction that holds the project
 * lock): releases the run's held videos when none of its images is left in flight, ends the run as
 * `completed` when nothing is left in flight, stores the counts on scene_runs, and appends
 * `run.progress` (and `run.completed`) after the caller's own events. `writes` are the caller's
 * statements still in flight: the summary query is pipelined behind them (Postgres runs them in
 * order, so it sees their effects). `started`: the run was just created, so a `run.started` with the
 * same summary goes first (one count of the run's parts serves both); when the caller gives the new
 * run's parts (`startedWith`, see {@link newRunCounts}) they are counted here instead of read back.
 * Returns the summary.
 */
export async function afterPartChange(
  tx: Tx,
  runId: number,
  before: PendingEvent[] = [],
  writes: Promise<unknown>[] = [],
  options: { started?: boolean; startedWith?: NewRun } = {},
): Promise<RunSummary> {
  let [{ summary, now, held, imagesLive }] = await Promise.all([
    options.startedWith
      ? newRunCounts(options.startedWith)
      : summaryWithClock(tx, runId, { failedLimit: EVENT_FAILED_LIMIT }).then((s) => s!),
    ...writes,
  ]);
  const events: PendingEvent[] = options.started ? [{ type: "run.started", data: summaryData({ ...summary }) }] : [];
  events.push(...before);
  if (held > 0 && imagesLive === 0) {
    events.push(...await releaseHeldVideos(tx, runId));
    ({ summary, now } = (await summaryWithClock(tx, runId, { failedLimit: EVENT_FAILED_LIMIT }))!);
  }
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

/**
 * The run's images are through: its held videos start now, in scene order (their jobs were
 * enqueued far in the future when they were queued; see core/engine/jobs.ts HELD_RUN_AT).
 */
async function releaseHeldVideos(tx: Tx, runId: number) {
  const held = await tx<{ sentence_id: number }[]>`
    select p.sentence_id from scene_parts p
    join sentences s on s.id = p.sentence_id join sections sec on sec.id = s.section_id
    where p.run_id = ${runId} and p.phase = 'held'
    order by sec.position, s.position`;
  const parts = held.map((h) => ({ part: "video" as const, sentenceId: h.sentence_id }));
  await releaseHeldJobs(tx, parts);
  return await updatePartsWithEvents(tx, parts, { status: "queued", phase: null });
}

/** A summary as event data. */
export function summaryData(summary: RunSummary): Record<string, unknown> {
  return summary as unknown as Record<string, unknown>;
}
