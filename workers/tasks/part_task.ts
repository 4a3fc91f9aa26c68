/**
 * What every generation task does for its part (image, video or narration) of one scene:
 *
 * 1. register an AbortController (cancel NOTIFY and shutdown abort it), then claim the part:
 *    queued → running, only if it still belongs to the job's run and the run is active (else the
 *    job ends at once and graphile-worker deletes it);
 * 2. call the provider with the signal, writing a new file under $STUDIO_DATA_DIR/media, and make
 *    its thumbnail;
 * 3. success → done with a new take (an image also queues its video, in the same transaction); a
 *    transient error with attempts left → queued again under a new job that waits a backoff; a
 *    permanent error, or the last attempt → failed with the provider's message; aborted → the part
 *    is released (queued again by a shutdown, left cancelled by a cancel).
 *
 * The task never throws for a provider failure: retries are scheduled by the engine itself, so a
 * job ends (and its queue unlocks) as soon as its attempt is over and no job is left behind
 * half-failed. Database errors are retried here for a while (a dropped connection, a restarting
 * server); one that persists reaches graphile-worker, which retries the job, and reconciliation
 * puts the part back to queued meanwhile.
 */
import type { JobHelpers } from "graphile-worker";
import type { Sql } from "../../core/db/client.ts";
import { retryOnConnectionLoss } from "../../core/db/retry.ts";
import { jobKey, parsePayload } from "../../core/engine/jobs.ts";
import {
  type ClaimedPart,
  claimPart,
  completePart,
  failPart,
  releaseInterruptedPart,
  reportPhase,
  reportProgress,
  type TransitionSettings,
} from "../../core/engine/transitions.ts";
import type { AspectRatio, PartName } from "../../core/types.ts";
import { discardMediaFile, type MediaFile, mediaPath, newMediaFile } from "../../media/store.ts";
import { makeThumbnail, THUMB_MAX_BYTES } from "../../media/thumbnail.ts";
import { type GeneratedMedia, type MediaProvider, ProviderError } from "../../providers/types.ts";
import type { PromptWriter } from "../../providers/prompts/types.ts";
import type { RunningJobs } from "../running_jobs.ts";

/** What the tasks need from the worker that runs them. */
export interface TaskContext {
  sql: Sql;
  dataDir: string;
  retryBackoffMs: number;
  settings: TransitionSettings & { imagesFirst: boolean };
  providers: { image: MediaProvider; video: MediaProvider };
  /** The writer of `write_prompts` jobs (PROMPT_PROVIDER). */
  promptWriter: PromptWriter;
  jobs: RunningJobs;
  /** Wakes idle workers after `ms` (a retry waits that long; nothing else would wake them). */
  wakeAfter(ms: number): void;
  log(line: string): void;
}

/** Frame rate of clips from providers that do not choose their own. */
export const VIDEO_FPS = 24;

/** Pixel size of images and videos for a project's aspect ratio (providers may round it). */
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
  const controller = ctx.jobs.add(String(job.id), target.runId, jobKey(part, target.sentenceId));
  const onShutdown = () => ctx.jobs.abortAll();
  helpers.abortSignal?.addEventListener("abort", onShutdown);
  const files: MediaFile[] = [];
  try {
    const claim = await retryOnConnectionLoss(() => claimPart(ctx.sql, { part, ...target, attempt: job.attempts }));
    if (!claim) return;
    const { signal } = controller;
    const started = performance.now();
    let made: GeneratedMedia & { thumb: MediaFile | null };
    try {
      made = await abandonAfterAbort(generate(ctx, claim, signal, files), signal);
    } catch (error) {
      await Promise.all(files.map((f) => discardMediaFile(f.absolute)));
      if (signal.aborted) {
        await retryOnConnectionLoss(() =>
          releaseInterruptedPart(ctx.sql, claim, { maxAttempts: ctx.settings.maxAttempts, runAt: job.run_at })
        );
        return;
      }
      const failure = describeFailure(error, part);
      const retryInMs = failure.transient && claim.attempt < job.max_attempts
        ? retryDelay(ctx.retryBackoffMs, claim.attempt)
        : null;
      const retrying = await retryOnConnectionLoss(() =>
        failPart(ctx.sql, claim, failure.message, { maxAttempts: ctx.settings.maxAttempts, retryInMs })
      );
      if (retrying && retryInMs !== null) ctx.wakeAfter(retryInMs);
      return;
    }
    let kept = false;
    try {
      const { kept: stored, dropped } = await retryOnConnectionLoss(() =>
        completePart(ctx.sql, claim, {
          path: files[0].relative,
          thumbPath: made.thumb?.relative ?? null,
          clipSeconds: part === "video" ? videoSeconds(claim) : null,
          durationMs: made.durationMs ?? null,
          width: made.width ?? null,
          height: made.height ?? null,
          provider: (part === "image" ? ctx.providers.image : ctx.providers.video).name,
          elapsedMs: Math.round(performance.now() - started),
        }, ctx.settings)
      );
      kept = stored;
      await Promise.all(dropped.map((path) => discardMediaFile(mediaPath(ctx.dataDir, path))));
    } finally {
      if (!kept) await Promise.all(files.map((f) => discardMediaFile(f.absolute)));
    }
  } finally {
    ctx.jobs.remove(String(job.id));
    helpers.abortSignal?.removeEventListener("abort", onShutdown);
  }
}

/** The clip length a video is made for: its narration's length when it has narration. */
function videoSeconds(claim: ClaimedPart): number {
  return claim.narrationMs !== null ? Math.max(1, claim.narrationMs / 1000) : claim.clipSeconds;
}

/**
 * Calls the provider for the claimed part and makes the thumbnail. Files it reserves are pushed to
 * `files` (the media file first), so the caller can delete them whatever happens.
 */
async function generate(
  ctx: TaskContext,
  claim: ClaimedPart,
  signal: AbortSignal,
  files: MediaFile[],
): Promise<GeneratedMedia & { thumb: MediaFile | null }> {
  let lastProgress = performance.now();
  const onProgress = (fraction: number) => {
    const now = performance.now();
    if (!(fraction > 0 && fraction < 1) || now - lastProgress < PROGRESS_EVERY_MS || signal.aborted) return;
    lastProgress = now;
    reportProgress(ctx.sql, claim, fraction).catch(() => {});
  };
  const onStatus = (status: { phase: "waiting" | "running" }) => {
    if (signal.aborted) return;
    reportPhase(ctx.sql, claim, status.phase === "waiting" ? "waiting" : null).catch(() => {});
  };
  signal.throwIfAborted();
  const file = await newMediaFile(ctx.dataDir, claim);
  files.push(file);
  const request = {
    prompt: claim.prompt,
    ...frameSize(claim.aspectRatio),
    seed: claim.seed,
    attempt: claim.attempt,
    outPath: file.absolute,
    signal,
    onProgress,
    onStatus,
  };
  const made = claim.part === "image"
    ? await ctx.providers.image.generateImage(request)
    : await ctx.providers.video.imageToVideo({
      ...request,
      image: mediaPath(ctx.dataDir, claim.imagePath!),
      seconds: videoSeconds(claim),
      fps: VIDEO_FPS,
    });
  // A file small enough is its own thumbnail (the card then shows the original).
  if ((await Deno.stat(file.absolute)).size <= THUMB_MAX_BYTES) return { ...made, thumb: null };
  const thumb = await newMediaFile(ctx.dataDir, claim, { label: `${claim.part}-thumb`, ext: "jpg" });
  files.push(thumb);
  await makeThumbnail(file.absolute, thumb.absolute, signal);
  return { ...made, thumb };
}

/** How long a provider may ignore an abort before the job stops waiting for it. */
export const ABANDON_AFTER_ABORT_MS = 5000;

/**
 * Waits for the provider, but no longer than {@link ABANDON_AFTER_ABORT_MS} after `signal` aborts:
 * a provider that does not honour the signal must not keep its queue blocked. (Its late result is
 * ignored; the file it may write is never referenced, and the media sweep deletes it.)
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
