/**
 * Bulk scene generation runs: start, cancel, retry the failures, and read a run's summary. Each
 * operation is one transaction that first locks the project row, so double clicks, several tabs or
 * many concurrent requests are applied one after the other: there is never a second active run
 * (also enforced by the unique index scene_runs_one_active) nor a second job for a scene part.
 * Jobs are enqueued in the same transaction as the state change: no job without its queued part,
 * no queued part without its job.
 */
import type { Sql, Tx } from "../db/client.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import { afterPartChange, EVENT_FAILED_LIMIT, runSummary, summaryData } from "./run_summary.ts";
import {
  CANCEL_CHANNEL,
  enqueuePartJobs,
  jobKey,
  lockProject,
  type PartChanges,
  type PartJob,
  setParts,
} from "./parts.ts";
import type { PartName, RunSummary } from "../types.ts";

/** Settings the run operations need from the configuration. */
export interface RunSettings {
  /** Tries per scene part (MAX_ATTEMPTS). */
  maxAttempts: number;
}

/** The result of starting (or retrying into) a run. */
export interface StartedRun {
  run: RunSummary;
  /** False when an active run already existed and was returned as is. */
  created: boolean;
}

/**
 * Starts generating every missing image and video of a project: an image job for each sentence
 * without a finished image, a video job for each sentence with an image but no finished video.
 * Returns the active run instead when there is one. NotFoundError for an unknown project,
 * ConflictError when the project has no sentences or nothing is missing.
 */
export async function startRun(sql: Sql, projectId: number, settings: RunSettings): Promise<StartedRun> {
  return await sql.begin(async (tx) => {
    await lockOrThrow(tx, projectId);
    const active = await activeRunId(tx, projectId);
    if (active !== null) return { run: (await runSummary(tx, active))!, created: false };
    const rows = await tx<{ id: number; image_status: string; video_status: string }[]>`
      select s.id, s.image_status, s.video_status
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId}
      order by sec.position, s.position`;
    if (rows.length === 0) {
      throw new ConflictError(
        "This project has no sentences, so there are no scenes to generate. Add a script with at least one sentence first.",
      );
    }
    const parts: { part: PartName; sentenceId: number }[] = [];
    for (const r of rows) {
      if (r.image_status !== "done") parts.push({ part: "image", sentenceId: r.id });
      else if (r.video_status !== "done") parts.push({ part: "video", sentenceId: r.id });
    }
    if (parts.length === 0) {
      throw new ConflictError(
        "Every scene of this project already has its image and video: there is nothing to generate.",
      );
    }
    const runId = await createRun(tx, projectId);
    return { run: await queueParts(tx, runId, parts, settings, true), created: true };
  });
}

/** The result of {@link cancelRun}. */
export interface CancelledRun {
  /** The run that was cancelled, or (when none was active) the latest run; null if none ever ran. */
  run: RunSummary | null;
  /** Scene parts that were queued or running and are now cancelled. */
  cancelled: number;
}

/**
 * Cancels the active run of a project: its queued jobs are removed, its queued and running parts
 * end `cancelled`, and workers are told (NOTIFY, delivered at commit) to abort the job that is
 * running. Without an active run nothing changes and `cancelled` is 0.
 */
export async function cancelRun(sql: Sql, projectId: number): Promise<CancelledRun> {
  return await sql.begin(async (tx) => {
    await lockOrThrow(tx, projectId);
    const runId = await activeRunId(tx, projectId);
    if (runId === null) {
      const latest = await latestRunId(tx, projectId);
      return { run: latest === null ? null : await runSummary(tx, latest), cancelled: 0 };
    }
    const live = await liveParts(tx, runId);
    await tx`select graphile_worker.remove_job(k) from unnest(${
      live.map((p) => jobKey(p.part, p.sentenceId))
    }::text[]) k`;
    const events = await partEvents(tx, live, { status: "cancelled", error: null });
    await tx`
      update scene_runs set status = 'cancelled', cancelled_at = now(), finished_at = now() where id = ${runId}`;
    const summary = await afterPartChange(tx, runId, events);
    await appendEvents(tx, projectId, runId, [{ type: "run.cancelled", data: summaryData(summary) }]);
    await tx`select pg_notify(${CANCEL_CHANNEL}, ${String(runId)})`;
    return { run: summary, cancelled: live.length };
  });
}

/**
 * Queues the failed scene parts of a project again — the image where the image failed, else the
 * video — into the active run when there is one, else into a new run. `sentenceIds` limits the
 * retry to those scenes: ids that are not sentences of this project are an InvalidInputError,
 * sentences with nothing failed a ConflictError. With nothing failed at all: ConflictError.
 */
export async function retryFailed(
  sql: Sql,
  projectId: number,
  settings: RunSettings,
  sentenceIds?: number[],
): Promise<StartedRun> {
  return await sql.begin(async (tx) => {
    await lockOrThrow(tx, projectId);
    const rows = await tx<{ id: number; image_status: string; video_status: string }[]>`
      select s.id, s.image_status, s.video_status
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId}
        and (${sentenceIds ?? null}::int[] is null or s.id = any(${sentenceIds ?? null}::int[]))
      order by sec.position, s.position`;
    if (sentenceIds) {
      const found = new Set(rows.map((r) => r.id));
      const unknown = [...new Set(sentenceIds)].filter((id) => !found.has(id));
      if (unknown.length) {
        throw new InvalidInputError(
          "sentenceIds",
          `${sentenceList(unknown)} ${unknown.length === 1 ? "is" : "are"} not in this project.`,
        );
      }
    }
    const parts: { part: PartName; sentenceId: number }[] = [];
    const notFailed: number[] = [];
    for (const r of rows) {
      if (r.image_status === "failed") parts.push({ part: "image", sentenceId: r.id });
      else if (r.video_status === "failed") parts.push({ part: "video", sentenceId: r.id });
      else notFailed.push(r.id);
    }
    if (sentenceIds && notFailed.length) {
      throw new ConflictError(
        `${sentenceList(notFailed)} ${notFailed.length === 1 ? "has" : "have"} no failed image or video to retry.`,
      );
    }
    if (parts.length === 0) {
      throw new ConflictError("No scene of this project has failed: there is nothing to retry.");
    }
    const active = await activeRunId(tx, projectId);
    const runId = active ?? await createRun(tx, projectId);
    return { run: await queueParts(tx, runId, parts, settings, active === null), created: active === null };
  });
}

/** The active run of a project, else its latest run, else null. NotFoundError for an unknown project. */
export async function currentRun(sql: Sql, projectId: number): Promise<RunSummary | null> {
  const [project] = await sql`select 1 from projects where id = ${projectId}`;
  if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
  const runId = await latestRunId(sql, projectId);
  return runId === null ? null : await runSummary(sql, runId);
}

async function lockOrThrow(tx: Tx, projectId: number): Promise<void> {
  if (!(await lockProject(tx, projectId))) throw new NotFoundError(`There is no project with id ${projectId}.`);
}

async function activeRunId(tx: Tx | Sql, projectId: number): Promise<number | null> {
  const [run] = await tx<{ id: number }[]>`
    select id from scene_runs where project_id = ${projectId} and status = 'active'`;
  return run?.id ?? null;
}

/** The active run if any (there is at most one, and it is always the newest), else the newest. */
async function latestRunId(tx: Tx | Sql, projectId: number): Promise<number | null> {
  const [run] = await tx<{ id: number }[]>`
    select id from scene_runs where project_id = ${projectId}
    order by (status = 'active') desc, id desc limit 1`;
  return run?.id ?? null;
}

/** Scene parts of a run that are queued or running, in scene order. */
async function liveParts(tx: Tx, runId: number): Promise<{ part: PartName; sentenceId: number }[]> {
  return await tx<{ part: PartName; sentenceId: number }[]>`
    select p.part, p.sentence_id as "sentenceId"
    from (
      select 'image' as part, s.id as sentence_id, s.section_id, s.position from sentences s
      where s.image_run_id = ${runId} and s.image_status in ('queued', 'running')
      union all
      select 'video', s.id, s.section_id, s.position from sentences s
      where s.video_run_id = ${runId} and s.video_status in ('queued', 'running')
    ) p join sections sec on sec.id = p.section_id
    order by sec.position, p.position, p.part`;
}

async function createRun(tx: Tx, projectId: number): Promise<number> {
  const [run] = await tx<{ id: number }[]>`insert into scene_runs (project_id) values (${projectId}) returning id`;
  return run.id;
}

/** Applies `changes` to the parts (one statement per part kind); events in the order of `parts`. */
async function partEvents(
  tx: Tx,
  parts: { part: PartName; sentenceId: number }[],
  changes: PartChanges,
): Promise<PendingEvent[]> {
  const events = new Map<string, PendingEvent>();
  for (const part of ["image", "video"] as const) {
    const ids = parts.filter((p) => p.part === part).map((p) => p.sentenceId);
    for (const event of await setParts(tx, part, ids, changes)) events.set(`${part}:${event.data.sentenceId}`, event);
  }
  return parts.map((p) => events.get(`${p.part}:${p.sentenceId}`)).filter((e): e is PendingEvent => !!e);
}

/** Marks parts queued for `runId`, enqueues their jobs, and writes the events, in scene order. */
async function queueParts(
  tx: Tx,
  runId: number,
  parts: { part: PartName; sentenceId: number }[],
  settings: RunSettings,
  started: boolean,
): Promise<RunSummary> {
  const events = await partEvents(tx, parts, { status: "queued", runId, error: null, attempts: 0 });
  const jobs: PartJob[] = parts.map((p) => ({ ...p, runId }));
  await enqueuePartJobs(tx, jobs, settings.maxAttempts);
  if (started) {
    const initial = (await runSummary(tx, runId, { failedLimit: EVENT_FAILED_LIMIT }))!;
    events.unshift({ type: "run.started", data: summaryData(initial) });
  }
  return await afterPartChange(tx, runId, events);
}

/** "Sentence 7", "Sentences 7, 8 and 9", or the first 20 of a longer list and how many more. */
export function sentenceList(ids: number[]): string {
  if (ids.length === 1) return `Sentence ${ids[0]}`;
  if (ids.length > 20) return `Sentences ${ids.slice(0, 20).join(", ")} and ${ids.length - 20} more`;
  return `Sentences ${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}`;
}
