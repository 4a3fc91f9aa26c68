/**
 * The engine's jobs in graphile-worker: one home for their task names, queues, keys and payload,
 * and the two SQL operations on them (enqueue, remove). Everything else refers to jobs through
 * these names.
 *
 * - One task per part kind (`generate_image`, `generate_video`, `generate_audio`), each on its own
 *   named queue (`images`, `videos`, `audio`): a named queue runs one job at a time across every
 *   worker process, which is the "one image, one video, one narration at a time" limit.
 * - A kind spread over several GPU servers (COMFYUI_URLS) uses a queue per server instead,
 *   `gpu:<url>`, and the job carries its server (./gpu_servers.ts).
 * - Job key `<kind>:<sentenceId>`: one job per scene part (graphile-worker keeps keys unique).
 * - Payload `{runId, sentenceId, server?}`: the job re-reads everything else under the project lock.
 */
import type { Sql, Tx } from "../db/client.ts";
import type { PartName } from "../types.ts";
import { type PartServers, placeOnServers, serverQueue } from "./gpu_servers.ts";

/** Every kind of scene part, in the order a scene's parts are made. */
export const PART_KINDS = ["image", "video", "audio"] as const satisfies readonly PartName[];

/** Task identifier of each part kind. */
export const PART_TASKS = {
  image: "generate_image",
  video: "generate_video",
  audio: "generate_audio",
} as const satisfies Record<PartName, string>;

/** Named queue of each part kind (one job at a time per queue, across all workers). */
export const PART_QUEUES = { image: "images", video: "videos", audio: "audio" } as const satisfies Record<
  PartName,
  string
>;

/** Task identifier of an export's render (one MP4 of a whole project). */
export const EXPORT_TASK = "render_export";
/** Named queue of exports: one render at a time across all workers. */
export const EXPORT_QUEUE = "exports";

/**
 * The job key of an export's render.
 * @example exportJobKey(3) // "export:3"
 */
export function exportJobKey(exportId: number): string {
  return `export:${exportId}`;
}

/**
 * NOTIFY channel that stops running jobs: the payload is a run id (every worker aborts its running
 * jobs of that run), `part:<kind>:<sentenceId>` (the job of that part, whose scene was deleted) or
 * `export:<id>` (that export's render, cancelled).
 */
export const CANCEL_CHANNEL = "studio_cancel_run";

/** What a {@link CANCEL_CHANNEL} payload asks to stop; null for a payload that is not one. */
export function parseCancel(
  payload: string,
): { runId: number } | { part: PartName; sentenceId: number } | { exportId: number } | null {
  if (/^[1-9]\d{0,9}$/.test(payload)) return { runId: Number(payload) };
  const exported = /^export:([1-9]\d{0,9})$/.exec(payload);
  if (exported) return { exportId: Number(exported[1]) };
  return payload.startsWith("part:") ? parseJobKey(payload.slice(5)) : null;
}

/**
 * The job key of a scene part.
 * @example jobKey("video", 42) // "video:42"
 */
export function jobKey(part: PartName, sentenceId: number): string {
  return `${part}:${sentenceId}`;
}

/**
 * The scene part a job key names, or null for a key that is not one of ours.
 * @example parseJobKey("video:42") // { part: "video", sentenceId: 42 }
 */
export function parseJobKey(key: string | null): { part: PartName; sentenceId: number } | null {
  const m = key === null ? null : /^(image|video|audio):([1-9]\d{0,9})$/.exec(key);
  if (!m || Number(m[2]) > 2_147_483_647) return null;
  return { part: m[1] as PartName, sentenceId: Number(m[2]) };
}

/** SQL: the job key of the scene_parts row aliased `p` (the same format as {@link jobKey}). */
export function jobKeyOf(sql: Sql | Tx, alias = "p") {
  return sql`(${sql(alias)}.kind || ':' || ${sql(alias)}.sentence_id)`;
}

/**
 * SQL: the key of the job that makes the scene_parts row aliased `p` — its own job, or the section
 * job that claimed it (`made_by_job`, see migrations/005_narration_export.sql).
 */
export function liveJobKeyOf(sql: Sql | Tx, alias = "p") {
  return sql`coalesce(${sql(alias)}.made_by_job, ${jobKeyOf(sql, alias)})`;
}

/** The graphile-worker job a task is running, as far as completing it needs (its `helpers.job`). */
export interface RunningJob {
  id: string;
  job_queue_id: number | null;
  /** The worker pool that locked it. */
  locked_by: string | null;
}

/**
 * Completes the running job `job` inside the caller's transaction: graphile-worker's own completion
 * statement (its sql/completeJobs.js: delete the job, unlock its named queue), limited to the pool
 * that holds it. A part's done transaction runs it, so the queue unlocks when the part's state
 * commits: graphile-worker's worker, which looks for its next job the moment the task returns,
 * finds the queue's next job at once, instead of after its batched completion, our wake-up NOTIFY
 * and a second fetch. graphile-worker's own completion then finds nothing left to delete or unlock.
 */
export async function completeJobIn(tx: Tx, job: RunningJob): Promise<void> {
  if (job.locked_by === null) return;
  await tx`
    with j as (
      delete from graphile_worker._private_jobs
      where id = ${job.id}::bigint and locked_by = ${job.locked_by}
      returning job_queue_id
    )
    update graphile_worker._private_job_queues as q set locked_by = null, locked_at = null
    from j where q.id = j.job_queue_id and q.locked_by = ${job.locked_by}`;
}

/** Payload of every generation task. */
export interface PartJobPayload {
  runId: number;
  sentenceId: number;
  /** The GPU server the job was assigned to, when its kind is spread over several (./gpu_servers.ts). */
  server?: string;
}

/** Reads a job payload; null when it is not one of ours. */
export function parsePayload(payload: unknown): PartJobPayload | null {
  const p = payload as Partial<PartJobPayload> | null;
  if (!p || !Number.isSafeInteger(p.runId) || !Number.isSafeInteger(p.sentenceId)) return null;
  if (p.server !== undefined && typeof p.server !== "string") return null;
  return { runId: p.runId!, sentenceId: p.sentenceId!, ...(p.server ? { server: p.server } : {}) };
}

/** What enqueuing needs from the configuration. */
export interface EnqueueSettings {
  /** Tries per scene part (MAX_ATTEMPTS). */
  maxAttempts: number;
  /** The GPU servers each kind is spread over (several ComfyUI servers); absent: one queue per kind. */
  servers?: PartServers;
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

/** Jobs per add_jobs call of {@link enqueuePartJobs}. */
const ENQUEUE_BATCH = 5000;

/**
 * Enqueues jobs inside the caller's transaction, in the given order: equal priorities run in
 * run_at order, so each job gets a run_at one microsecond after the one before it and scene 1 goes
 * first. A key whose job is already running gets a new job (graphile-worker stops the old one from
 * retrying). Attempts carried over are written with reschedule_jobs, the one public way to set them.
 * A kind spread over several GPU servers gets each job a server and that server's queue.
 *
 * The jobs go in batches of {@link ENQUEUE_BATCH}, sent one after the other without waiting for
 * each (pipelined); only batches with attempts to carry over read back the ids of their jobs.
 */
export async function enqueuePartJobs(tx: Tx, jobs: PartJob[], settings: EnqueueSettings): Promise<void> {
  const { maxAttempts } = settings;
  const servers = await placeOnServers(tx, jobs.map((j) => j.part), settings.servers);
  const batches: Promise<{ id: string; key: string }[]>[] = [];
  for (let i = 0; i < jobs.length; i += ENQUEUE_BATCH) {
    const batch = jobs.slice(i, i + ENQUEUE_BATCH);
    const placed = servers.slice(i, i + ENQUEUE_BATCH);
    const carries = batch.some((j) => (j.attempts ?? 0) > 0);
    batches.push(tx<{ id: string; key: string }[]>`
      select ${carries ? tx`id::text, key` : tx`count(*)`} from graphile_worker.add_jobs(array(
        select (
          j.identifier,
          case when j.server is null then json_build_object('runId', j.run_id, 'sentenceId', j.sentence_id)
            else json_build_object('runId', j.run_id, 'sentenceId', j.sentence_id, 'server', j.server) end,
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
          ${batch.map((j, k) => placed[k] === null ? PART_QUEUES[j.part] : serverQueue(placed[k]!))}::text[],
          ${batch.map((j) => jobKey(j.part, j.sentenceId))}::text[],
          ${batch.map((j) => j.delayMs ?? 0)}::int[],
          ${batch.map((j) => j.runAt?.toISOString() ?? null)}::timestamptz[],
          ${placed}::text[]
        ) with ordinality as j(identifier, run_id, sentence_id, queue_name, job_key, delay_ms, run_at, server, ord)
        order by j.ord
      ))`.execute());
  }
  const added = (await Promise.all(batches)).flat();
  const carried = jobs.filter((j) => (j.attempts ?? 0) > 0);
  if (carried.length === 0) return;
  const ids = new Map(added.map((a) => [a.key, a.id]));
  for (const job of carried) {
    const id = ids.get(jobKey(job.part, job.sentenceId));
    if (!id) continue;
    await tx`select 1 from graphile_worker.reschedule_jobs(array[${id}]::bigint[], attempts => ${
      Math.min(job.attempts!, maxAttempts - 1)
    }::int)`;
  }
}

/**
 * Removes the jobs of these parts, inside the caller's transaction. A queued job is deleted; a
 * running one is left to finish (graphile-worker cannot stop it) with its key cleared, so it will
 * not retry: the caller aborts it separately (cancel NOTIFY).
 */
export async function removePartJobs(tx: Tx, parts: { part: PartName; sentenceId: number }[]): Promise<void> {
  if (parts.length === 0) return;
  await tx`select graphile_worker.remove_job(k) from unnest(${
    parts.map((p) => jobKey(p.part, p.sentenceId))
  }::text[]) k`;
}

/**
 * Moves the held jobs of these parts (enqueued far in the future while a run's images go first) to
 * now, keeping their order.
 */
export async function releaseHeldJobs(tx: Tx, parts: { part: PartName; sentenceId: number }[]): Promise<void> {
  if (parts.length === 0) return;
  await tx`
    select graphile_worker.reschedule_jobs(array(
      select j.id from graphile_worker.jobs j
      where j.key = any(${parts.map((p) => jobKey(p.part, p.sentenceId))}::text[]) and j.locked_at is null
    ), run_at => now())`;
}

/**
 * The task that makes a take's thumbnail after the part is done (off the generation queues, so the
 * GPU never waits for it). Key `thumb:<takeId>`, payload `{takeId}`, no named queue.
 */
export const THUMBNAIL_TASK = "make_thumbnail";

/** Enqueues the thumbnail of take `takeId` inside the caller's transaction. */
export async function enqueueThumbnail(tx: Tx, takeId: number): Promise<void> {
  await tx`select graphile_worker.add_job(${THUMBNAIL_TASK}::text, json_build_object('takeId', ${takeId}::bigint),
    job_key => ${`thumb:${takeId}`}::text, max_attempts => 3)`;
}

/** How far in the future a held job waits until the run releases it (any value past every real run). */
export const HELD_RUN_AT = new Date("2200-01-01T00:00:00Z");
