/**
 * What both generation tasks do, for their part (image or video) of one sentence:
 *
 * 1. register an AbortController (cancel NOTIFY and shutdown abort it), then claim the part:
 *    queued → running, only if it still belongs to the job's run and the run is active (else the
 *    job ends at once and graphile-worker deletes it);
 * 2. call the provider with the signal, writing a new file under $STUDIO_DATA_DIR/media;
 * 3. success → done (an image also queues its video, in the same transaction); a transient error
 *    with attempts left → queued again under a new job that waits a backoff; a permanent error, or
 *    the last attempt → failed with the provider's message; aborted → the part is released (queued
 *    again by a shutdown, left cancelled by a cancel).
 *
 * The task never throws for a provider failure: retries are scheduled by the engine itself, so a
 * job ends (and its queue unlocks) as soon as its attempt is over and no job is left behind
 * half-failed. An exception from the database reaches graphile-worker, which retries the job;
 * reconciliation fails the part if those retries run out.
 */
import type { JobHelpers } from "graphile-worker";
import type { Sql } from "../../core/db/client.ts";
import { discardMediaFile, type MediaFile, mediaPath, newMediaFile } from "../../media/store.ts";
import {
  claimPart,
  completePart,
  failPart,
  type PartJobPayload,
  releaseInterruptedPart,
  reportProgress,
} from "../../core/engine/parts.ts";
import type { AspectRatio, PartName } from "../../core/types.ts";
import { type MediaProvider, ProviderError } from "../../providers/types.ts";
import type { RunningJobs } from "../running_jobs.ts";

/** What the tasks need from the worker that runs them. */
export interface TaskContext {
  sql: Sql;
  dataDir: string;
  maxAttempts: number;
  retryBackoffMs: number;
  providers: { image: MediaProvider; video: MediaProvider };
  jobs: RunningJobs;
  /** Wakes idle workers after `ms` (a retry waits that long; nothing else would wake them). */
  wakeAfter(ms: number): void;
  log(line: string): void;
}

/** Clip length and frame rate of every generated video. */
export const VIDEO_SECONDS = 4;
export const VIDEO_FPS = 24;

/** Pixel size of images and videos for a project's aspect ratio. */
export function frameSize(aspectRatio: AspectRatio): { width: number; height: number } {
  return aspectRatio === "9:16" ? { width: 720, height: 1280 } : { width: 1280, height: 720 };
}

/** Delay before retry number `attempt` (1 = after the first failure): doubling, at most a minute. */
export function retryDelay(baseMs: number, attempt: number): number {
  return Math.min(60_000, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** How often a running part reports provider progress as an event, at most. */
const PROGRESS_EVERY_MS = 2000;

export async function runPartJob(ctx: TaskContext, part: PartName, payload: unknown, helpers: JobHelpers) {
  const target = parsePayload(payload);
  const job = helpers.job;
  if (!target) {
    ctx.log(`Job ${job.id} (${job.task_identifier}) has an unusable payload ${JSON.stringify(payload)}; dropped.`);
    return;
  }
  const controller = ctx.jobs.add(String(job.id), target.runId);
  const onShutdown = () => ctx.jobs.abortAll();
  helpers.abortSignal?.addEventListener("abort", onShutdown);
  let file: MediaFile | undefined;
  try {
    const claim = await claimPart(ctx.sql, { part, ...target, attempt: job.attempts });
    if (!claim) return;
    const { signal } = controller;
    let lastProgress = performance.now();
    const onProgress = (fraction: number) => {
      const now = performance.now();
      if (!(fraction > 0 && fraction < 1) || now - lastProgress < PROGRESS_EVERY_MS || signal.aborted) return;
      lastProgress = now;
      reportProgress(ctx.sql, claim, fraction).catch(() => {});
    };
    try {
      signal.throwIfAborted();
      file = await newMediaFile(ctx.dataDir, claim);
      const size = frameSize(claim.aspectRatio);
      const request = {
        prompt: claim.prompt,
        ...size,
        seed: crypto.getRandomValues(new Uint32Array(1))[0] >>> 1,
        attempt: claim.attempt,
        outPath: file.absolute,
        signal,
        onProgress,
      };
      await abandonAfterAbort(
        part === "image" ? ctx.providers.image.generateImage(request) : ctx.providers.video.imageToVideo({
          ...request,
          image: mediaPath(ctx.dataDir, claim.imagePath!),
          seconds: VIDEO_SECONDS,
          fps: VIDEO_FPS,
        }),
        signal,
      );
    } catch (error) {
      if (file) await discardMediaFile(file.absolute);
      if (signal.aborted) {
        await releaseInterruptedPart(ctx.sql, claim, { maxAttempts: ctx.maxAttempts, runAt: job.run_at });
        return;
      }
      const failure = describeFailure(error, part);
      const retryInMs = failure.transient && claim.attempt < job.max_attempts
        ? retryDelay(ctx.retryBackoffMs, claim.attempt)
        : null;
      const retrying = await failPart(ctx.sql, claim, failure.message, { maxAttempts: ctx.maxAttempts, retryInMs });
      if (retrying && retryInMs !== null) ctx.wakeAfter(retryInMs);
      return;
    }
    let kept = false;
    try {
      kept = await completePart(ctx.sql, claim, file.relative, { maxAttempts: ctx.maxAttempts });
    } finally {
      if (!kept) await discardMediaFile(file.absolute);
    }
  } finally {
    ctx.jobs.remove(String(job.id));
    helpers.abortSignal?.removeEventListener("abort", onShutdown);
  }
}

/** How long a provider may ignore an abort before the job stops waiting for it. */
export const ABANDON_AFTER_ABORT_MS = 5000;

/**
 * Waits for the provider, but no longer than {@link ABANDON_AFTER_ABORT_MS} after `signal` aborts:
 * a provider that does not honour the signal must not keep its queue blocked. (Its late result is
 * ignored; the file it may write is never referenced.)
 */
async function abandonAfterAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => reject(signal.reason), ABANDON_AFTER_ABORT_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  work.catch(() => {}); // a late rejection after we stopped waiting is expected
  try {
    return await Promise.race([work, abandoned]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

function parsePayload(payload: unknown): PartJobPayload | null {
  const p = payload as Partial<PartJobPayload> | null;
  if (!p || !Number.isSafeInteger(p.runId) || !Number.isSafeInteger(p.sentenceId)) return null;
  return { runId: p.runId!, sentenceId: p.sentenceId! };
}

/**
 * The message stored on the part and whether a retry may help. A ProviderError says so itself;
 * anything else (a bug, a full disk) is treated as transient, with a sentence around its message.
 */
export function describeFailure(error: unknown, part: PartName): { message: string; transient: boolean } {
  if (error instanceof ProviderError) return { message: error.message, transient: error.transient };
  const detail = error instanceof Error ? error.message : String(error);
  return {
    message: `The ${part} could not be generated because of an unexpected error: ${detail.replace(/\.$/, "")}.`,
    transient: true,
  };
}
