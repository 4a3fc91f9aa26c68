/**
 * Scene parts (the image and the video of a sentence) as the engine moves them:
 * `idle → queued → running → done | failed | cancelled`. Each transition here is one transaction
 * that locks the project row first (the same lock start, cancel and retry take, so a run's state
 * changes one at a time), re-reads the part, changes it only if it still belongs to the caller's
 * run and state, writes its events, and enqueues any follow-up job in the same transaction.
 *
 * Jobs are graphile-worker jobs: task `generate_image` on queue `images`, `generate_video` on
 * `videos` (a named queue runs one job at a time across all workers), key `<part>:<sentenceId>`,
 * payload `{runId, sentenceId}`.
 */
import type { Sql, Tx } from "../db/client.ts";
import { mediaUrl } from "../domain/projects.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import { afterPartChange } from "./run_summary.ts";
import type { AspectRatio, PartName, PartStatus, SceneUpdate } from "../types.ts";
import { writeVideoPrompt } from "../domain/video_prompt.ts";

export const PART_TASKS = { image: "generate_image", video: "generate_video" } as const satisfies Record<
  PartName,
  string
>;
export const PART_QUEUES = { image: "images", video: "videos" } as const satisfies Record<PartName, string>;

/** NOTIFY channel whose payload is a run id: every worker aborts its running jobs of that run. */
export const CANCEL_CHANNEL = "studio_cancel_run";

/** The job key of a scene part. */
export function jobKey(part: PartName, sentenceId: number): string {
  return `${part}:${sentenceId}`;
}

/** Payload of both generation tasks. */
export interface PartJobPayload {
  runId: number;
  sentenceId: number;
}

/** A job to enqueue for a scene part. */
export interface PartJob {
  part: PartName;
  runId: number;
  sentenceId: number;
  /** Start no earlier than this many ms from now (retry backoff). */
  delayMs?: number;
  /** Attempts already spent (a retry carries its count over). */
  attempts?: number;
  /** Start at this time instead (an interrupted job keeps its place in its queue). */
  runAt?: Date;
}

/**
 * Enqueues jobs inside the caller's transaction, in the given order (equal priorities run in
 * run_at order, so scene 1 goes first). A key whose job is already running gets a new job;
 * graphile-worker stops the old one from retrying.
 */
export async function enqueuePartJobs(tx: Tx, jobs: PartJob[], maxAttempts: number): Promise<void> {
  if (jobs.length === 0) return;
  for (let i = 0; i < jobs.length; i += 5000) {
    const batch = jobs.slice(i, i + 5000);
    const added = await tx<{ id: string; key: string }[]>`
      select id::text, key from graphile_worker.add_jobs(array(
        select (
          j.identifier,
          json_build_object('runId', j.run_id, 'sentenceId', j.sentence_id),
          j.queue_name,
          coalesce(j.run_at, now() + j.delay_ms * interval '1 millisecond' - (${batch.length} - j.ord) * interval '1 microsecond'),
          ${maxAttempts}::smallint,
          j.job_key,
          0::smallint,
          null::text[]
        )::graphile_worker.job_spec
        from unnest(
          ${batch.map((j) => PART_TASKS[j.part])}::text[],
          ${batch.map((j) => j.runId)}::int[],
          ${batch.map((j) => j.sentenceId)}::int[],
          ${batch.map((j) => PART_QUEUES[j.part])}::text[],
          ${batch.map((j) => jobKey(j.part, j.sentenceId))}::text[],
          ${batch.map((j) => j.delayMs ?? 0)}::int[],
          ${batch.map((j) => j.runAt?.toISOString() ?? null)}::timestamptz[]
        ) with ordinality as j(identifier, run_id, sentence_id, queue_name, job_key, delay_ms, run_at, ord)
        order by j.ord
      ))`;
    const carried = batch.filter((j) => (j.attempts ?? 0) > 0);
    for (const job of carried) {
      const id = added.find((a) => a.key === jobKey(job.part, job.sentenceId))?.id;
      if (id) {
        await tx`select 1 from graphile_worker.reschedule_jobs(array[${id}]::bigint[], attempts => ${
          Math.min(job.attempts!, maxAttempts - 1)
        }::int)`;
      }
    }
  }
}

/** Locks a project row for a run state change; false when the project does not exist. */
export async function lockProject(tx: Tx, projectId: number): Promise<{ aspectRatio: AspectRatio } | null> {
  const [row] = await tx<{ aspect_ratio: AspectRatio }[]>`
    select aspect_ratio from projects where id = ${projectId} for no key update`;
  return row ? { aspectRatio: row.aspect_ratio } : null;
}

/** One part of a sentence as a transition sees it, read after taking the project lock. */
interface PartRow {
  id: number;
  project_id: number;
  aspect_ratio: AspectRatio;
  text: string;
  image_prompt: string;
  video_prompt: string;
  image_path: string | null;
  image_status: PartStatus;
  status: PartStatus;
  path: string | null;
  error: string | null;
  attempts: number;
  run_id: number | null;
  run_status: string | null;
}

/**
 * Locks the sentence's project and then reads the part and the status of run `runId`, pipelined
 * in one round trip. Postgres runs the two statements in order and the read takes its snapshot
 * after the lock is granted, so it sees every change committed by whoever held the lock before.
 */
async function lockAndRead(tx: Tx, part: PartName, sentenceId: number, runId: number): Promise<PartRow | undefined> {
  const [, [row]] = await Promise.all([
    tx`select 1 from projects where id = (select project_id from sentences where id = ${sentenceId}) for no key update`,
    tx<PartRow[]>`
      select s.id, s.project_id, p.aspect_ratio, s.text, s.image_prompt, s.video_prompt, s.image_path, s.image_status,
        ${tx(`${part}_status`)} as status, ${tx(`${part}_path`)} as path, ${tx(`${part}_error`)} as error,
        ${tx(`${part}_attempts`)} as attempts, ${tx(`${part}_run_id`)} as run_id,
        (select r.status from scene_runs r where r.id = ${runId}) as run_status
      from sentences s join projects p on p.id = s.project_id
      where s.id = ${sentenceId}`,
  ]);
  return row;
}

/** Changes to one part; unset fields keep their value. */
export interface PartChanges {
  status: PartStatus;
  runId?: number;
  path?: string;
  error?: string | null;
  attempts?: number;
}

function partValues(part: PartName, changes: PartChanges): Record<string, unknown> {
  const values: Record<string, unknown> = { [`${part}_status`]: changes.status };
  if (changes.runId !== undefined) values[`${part}_run_id`] = changes.runId;
  if (changes.path !== undefined) values[`${part}_path`] = changes.path;
  if (changes.error !== undefined) values[`${part}_error`] = changes.error;
  if (changes.attempts !== undefined) values[`${part}_attempts`] = changes.attempts;
  return values;
}

/**
 * Sets one part on many sentences with one statement; returns a `scene.updated` event per
 * sentence, in the order of `sentenceIds`.
 */
export async function setParts(
  tx: Tx,
  part: PartName,
  sentenceIds: number[],
  changes: PartChanges,
): Promise<PendingEvent[]> {
  if (sentenceIds.length === 0) return [];
  const rows = await tx<{ id: number; path: string | null; error: string | null; attempts: number }[]>`
    update sentences set ${tx(partValues(part, changes))}, ${tx(`${part}_updated_at`)} = now()
    where id = any(${sentenceIds}::int[])
    returning id, ${tx(`${part}_path`)} as path, ${tx(`${part}_error`)} as error, ${
    tx(`${part}_attempts`)
  } as attempts`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return sentenceIds.filter((id) => byId.has(id)).map((id) => {
    const r = byId.get(id)!;
    return sceneEvent({
      sentenceId: id,
      part,
      status: changes.status,
      url: mediaUrl(r.path),
      error: r.error,
      attempts: r.attempts,
    });
  });
}

/** Sets one part of one sentence; returns its `scene.updated` event. */
export async function setPart(
  tx: Tx,
  part: PartName,
  sentenceId: number,
  changes: PartChanges,
): Promise<PendingEvent> {
  const [event] = await setParts(tx, part, [sentenceId], changes);
  return event;
}

/**
 * The same change for a part already read under the lock: the statement is returned unawaited
 * (to pipeline) and the event is built from the row.
 */
function updateRead(
  tx: Tx,
  part: PartName,
  row: PartRow,
  changes: PartChanges,
  extra: Partial<SceneUpdate> = {},
): { query: Promise<unknown>; event: PendingEvent } {
  const query = tx`
    update sentences set ${tx(partValues(part, changes))}, ${tx(`${part}_updated_at`)} = now()
    where id = ${row.id}`.then(() => {});
  const event = sceneEvent({
    sentenceId: row.id,
    part,
    status: changes.status,
    url: mediaUrl(changes.path ?? row.path),
    error: changes.error !== undefined ? changes.error : row.error,
    attempts: changes.attempts ?? row.attempts,
    ...extra,
  });
  return { query, event };
}

/** A `scene.updated` event. */
export function sceneEvent(update: SceneUpdate): PendingEvent {
  return { type: "scene.updated", data: update as unknown as Record<string, unknown> };
}

/** What a worker needs to generate a part it claimed. */
export interface ClaimedPart {
  part: PartName;
  runId: number;
  sentenceId: number;
  projectId: number;
  aspectRatio: AspectRatio;
  text: string;
  /** The prompt to send: the image prompt, or the (possibly just written) video prompt. */
  prompt: string;
  /** For videos: the stored path of the source image. */
  imagePath: string | null;
  attempt: number;
}

/**
 * queued → running, when the part still belongs to `runId` and the run is active; null otherwise
 * (cancelled, superseded by a newer run, sentence deleted): the job then has nothing to do. A
 * video part with an empty video prompt gets one written and saved here, and its event carries it.
 */
export async function claimPart(
  sql: Sql,
  target: { part: PartName; runId: number; sentenceId: number; attempt: number },
): Promise<ClaimedPart | null> {
  const { part, runId, sentenceId } = target;
  return await sql.begin(async (tx) => {
    const row = await lockAndRead(tx, part, sentenceId, runId);
    if (!row || row.run_status !== "active" || row.run_id !== runId) return null;
    if (row.status !== "queued" && row.status !== "running") return null;
    if (part === "video" && (row.image_status !== "done" || !row.image_path)) {
      const { query, event } = updateRead(tx, part, row, {
        status: "failed",
        error: "The video cannot be made because the scene has no finished image. Generate the image first.",
      });
      await afterPartChange(tx, runId, [event], [query]);
      return null;
    }
    let prompt = part === "image" ? row.image_prompt : row.video_prompt;
    const extra: Partial<SceneUpdate> = {};
    if (part === "video" && prompt.trim() === "") {
      // Only where the prompt is still empty: a creator's edit that commits meanwhile wins (the
      // update then matches no row under read committed) and is the prompt the video is made from.
      const written = writeVideoPrompt({ imagePrompt: row.image_prompt, sentence: row.text });
      const [saved] = await tx<{ video_prompt: string }[]>`
        update sentences set video_prompt = ${written}, updated_at = now()
        where id = ${sentenceId} and btrim(video_prompt) = ''
        returning video_prompt`;
      if (saved) {
        prompt = written;
        extra.videoPrompt = written;
      } else {
        [{ video_prompt: prompt }] = await tx<{ video_prompt: string }[]>`
          select video_prompt from sentences where id = ${sentenceId}`;
      }
    }
    const { query, event } = updateRead(
      tx,
      part,
      row,
      { status: "running", error: null, attempts: target.attempt },
      extra,
    );
    await Promise.all([query, appendEvents(tx, row.project_id, runId, [event])]);
    return {
      part,
      runId,
      sentenceId,
      projectId: row.project_id,
      aspectRatio: row.aspect_ratio,
      text: row.text,
      prompt,
      imagePath: row.image_path,
      attempt: target.attempt,
    };
  });
}

/** The claimed part, re-read under the project lock if it is still running for its run. */
async function stillRunning(tx: Tx, claim: ClaimedPart): Promise<PartRow | null> {
  const row = await lockAndRead(tx, claim.part, claim.sentenceId, claim.runId);
  return row && row.run_id === claim.runId && row.status === "running" ? row : null;
}

/**
 * running → done with the stored file. For an image, unless the run was cancelled, the sentence's
 * video is queued and its job enqueued in the same transaction (the chain). Returns false when the
 * part no longer expects this result (cancelled meanwhile, or claimed again after this worker was
 * taken for dead): the caller then deletes the file.
 */
export async function completePart(
  sql: Sql,
  claim: ClaimedPart,
  relativePath: string,
  settings: { maxAttempts: number },
): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row) return false;
    const done = updateRead(tx, claim.part, row, { status: "done", path: relativePath, error: null });
    const writes = [done.query];
    const events = [done.event];
    if (claim.part === "image" && row.run_status === "active") {
      writes.push(
        setPart(tx, "video", claim.sentenceId, { status: "queued", runId: claim.runId, error: null, attempts: 0 }).then(
          (event) => events.push(event),
        ),
        enqueuePartJobs(
          tx,
          [{ part: "video", runId: claim.runId, sentenceId: claim.sentenceId }],
          settings.maxAttempts,
        ),
      );
    }
    await afterPartChange(tx, claim.runId, events, writes);
    return true;
  });
}

/**
 * A failed attempt. With `retryInMs` (a transient error with attempts left) the part goes back to
 * `queued` with the error shown and a new job for the same key waits that long, carrying the
 * attempt count; otherwise the part ends `failed` (an image that fails gets no video job).
 * Returns whether a retry was scheduled.
 */
export async function failPart(
  sql: Sql,
  claim: ClaimedPart,
  error: string,
  settings: { maxAttempts: number; retryInMs: number | null },
): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row) return false;
    if (settings.retryInMs !== null && row.run_status === "active") {
      const { query, event } = updateRead(tx, claim.part, row, { status: "queued", error });
      await Promise.all([
        query,
        enqueuePartJobs(tx, [{
          part: claim.part,
          runId: claim.runId,
          sentenceId: claim.sentenceId,
          delayMs: settings.retryInMs,
          attempts: claim.attempt,
        }], settings.maxAttempts),
        appendEvents(tx, claim.projectId, claim.runId, [event]),
      ]);
      return true;
    }
    const { query, event } = updateRead(tx, claim.part, row, { status: "failed", error });
    await afterPartChange(tx, claim.runId, [event], [query]);
    return false;
  });
}

/**
 * The job was stopped before it finished (worker shutdown, or an abort that no cancel explains):
 * if the run is still active the part is queued again under a new job that does not count the
 * interrupted attempt and, given `runAt` (the interrupted job's run_at), keeps its place ahead of
 * the parts queued after it; if the run was cancelled meanwhile, the part ends `cancelled`.
 */
export async function releaseInterruptedPart(
  sql: Sql,
  claim: ClaimedPart,
  settings: { maxAttempts: number; runAt?: Date },
): Promise<void> {
  await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row) return;
    if (row.run_status === "active") {
      const attempts = Math.max(0, claim.attempt - 1);
      const { query, event } = updateRead(tx, claim.part, row, { status: "queued", attempts });
      await Promise.all([
        query,
        enqueuePartJobs(
          tx,
          [{ part: claim.part, runId: claim.runId, sentenceId: claim.sentenceId, attempts, runAt: settings.runAt }],
          settings.maxAttempts,
        ),
        appendEvents(tx, claim.projectId, claim.runId, [event]),
      ]);
    } else {
      const { query, event } = updateRead(tx, claim.part, row, { status: "cancelled", error: null });
      await afterPartChange(tx, claim.runId, [event], [query]);
    }
  });
}

/**
 * A `scene.updated` event with the provider's progress (0..1) while a part runs; nothing is stored
 * on the sentence. Written under the project lock and only while the part is still running, so a
 * progress report never follows the part's final event.
 */
export async function reportProgress(sql: Sql, claim: ClaimedPart, fraction: number): Promise<void> {
  await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row) return;
    await appendEvents(tx, claim.projectId, claim.runId, [sceneEvent({
      sentenceId: claim.sentenceId,
      part: claim.part,
      status: "running",
      url: mediaUrl(row.path),
      error: row.error,
      attempts: row.attempts,
      progress: Math.round(fraction * 1000) / 1000,
    })]);
  });
}
