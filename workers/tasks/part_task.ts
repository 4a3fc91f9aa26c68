/**
 * What every generation task does for its part (image, video or narration) of one scene — the job's
 * life, the same for every kind; what differs per kind (which parts the job claims, which provider
 * makes them) is a {@link PartMaker} (./media_maker.ts for images and videos, ./narration_maker.ts
 * for narration):
 *
 * 1. register an AbortController (cancel NOTIFY and shutdown abort it), then claim the part(s):
 *    queued → running, only if they still belong to the job's run and the run is active (else the
 *    job ends at once and graphile-worker deletes it). Usually one part; a section's narration
 *    claims the section's queued sentences too (core/engine/section_claim.ts);
 * 2. make them with the kind's provider and the signal, writing new files under
 *    $STUDIO_DATA_DIR/media;
 * 3. each part that was made → done with a new take (one transaction for them all; an image also
 *    queues its video); a transient error with attempts left → queued again under a new job that
 *    waits a backoff; a permanent error, or the last attempt → failed with the provider's message;
 *    aborted → the parts are released (queued again by a shutdown, left cancelled by a cancel).
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
  completeParts,
  failPart,
  type MadeTake,
  redoSourceImage,
  releaseInterruptedPart,
  type TransitionSettings,
} from "../../core/engine/transitions.ts";
import type { PartName } from "../../core/types.ts";
import { discardMediaFile, type MediaFile, mediaPath } from "../../media/store.ts";
import type { Transcriber } from "../../providers/audio/transcribe.ts";
import type { AudioProvider } from "../../providers/audio/types.ts";
import { type MediaProvider, ProviderError } from "../../providers/types.ts";
import { classifyFault, withoutServerPaths } from "../../core/system/faults.ts";
import type { Backoff } from "../../core/system/backoff.ts";
import type { PromptWriter } from "../../providers/prompts/types.ts";
import type { RunningJobs } from "../running_jobs.ts";
import { SourceImageBroken } from "./media_maker.ts";
import type { LogFields } from "../../core/system/log.ts";

/** What the tasks need from the worker that runs them. */
export interface TaskContext {
  sql: Sql;
  dataDir: string;
  retryBackoffMs: number;
  settings: TransitionSettings & { imagesFirst: boolean };
  /** A provider per kind of part. */
  providers: { image: MediaProvider; video: MediaProvider; audio: AudioProvider };
  /** The transcription server (STT_API_URL), when configured: lets a section read whole be cut. */
  transcriber?: Transcriber;
  /** The writer of `write_prompts` jobs (PROMPT_PROVIDER). */
  promptWriter: PromptWriter;
  jobs: RunningJobs;
  /** The process's backoff for faults that fail every job alike (disk, database, a server). */
  globalBackoff: Backoff;
  /** Wakes idle workers after `ms` (a retry waits that long; nothing else would wake them). */
  wakeAfter(ms: number): void;
  /** The worker's log; job lines carry the ids of their project, run, scene and job. */
  log(line: string, fields?: LogFields): void;
}

export { frameSize, VIDEO_FPS } from "../../media/frame_size.ts";

/** Delay before retry number `attempt` (1 = after the first failure): doubling, at most a minute. */
export function retryDelay(baseMs: number, attempt: number): number {
  return Math.min(60_000, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** What became of one claimed part: a take to store, or why it failed. */
export type PartOutcome = { take: MadeTake } | { error: unknown };

/** How one kind of part is made (see the module documentation). */
export interface PartMaker {
  readonly part: PartName;
  /** Claims the job's part(s): running, in order, the job's own first; [] when there is nothing to do. */
  claim(ctx: TaskContext, target: { runId: number; sentenceId: number; attempt: number }): Promise<ClaimedPart[]>;
  /**
   * Makes the claimed parts: one outcome per claim, in order. Files reserved for claim i go into
   * `files[i]` (the media file first), so the caller can delete them whatever happens. Throwing
   * fails the whole attempt (every claim).
   */
  make(ctx: TaskContext, claims: ClaimedPart[], signal: AbortSignal, files: MediaFile[][]): Promise<PartOutcome[]>;
}

/** Runs one job of a generation task (see the module documentation). */
export async function runPartJob(ctx: TaskContext, maker: PartMaker, payload: unknown, helpers: JobHelpers) {
  const target = parsePayload(payload);
  const job = helpers.job;
  if (!target) {
    ctx.log(`Job ${job.id} (${job.task_identifier}) has an unusable payload ${JSON.stringify(payload)}; dropped.`);
    return;
  }
  const controller = ctx.jobs.add(String(job.id), target.runId, jobKey(maker.part, target.sentenceId));
  const onShutdown = () => ctx.jobs.abortAll();
  helpers.abortSignal?.addEventListener("abort", onShutdown);
  try {
    const claimed = await retryOnConnectionLoss(() => maker.claim(ctx, { ...target, attempt: job.attempts }));
    if (claimed.length === 0) return;
    // The GPU server the job was assigned to, when its kind is spread over several.
    const claims = target.server ? claimed.map((c) => ({ ...c, server: target.server })) : claimed;
    const started = performance.now();
    /** One line per claimed part when its attempt is over, with the ids it concerns. */
    const report = (claim: ClaimedPart, outcome: string) =>
      ctx.log(
        `Job ${job.id} (${job.task_identifier}): the ${claim.part} of sentence ${claim.sentenceId} (project ${claim.projectId}, run ${claim.runId}) ${outcome}.`,
        {
          jobId: job.id,
          task: job.task_identifier,
          projectId: claim.projectId,
          runId: claim.runId,
          sentenceId: claim.sentenceId,
          part: claim.part,
          attempt: claim.attempt,
          elapsedMs: Math.round(performance.now() - started),
        },
      );
    const { signal } = controller;
    const files: MediaFile[][] = claims.map(() => []);
    const discard = (i: number) => Promise.all(files[i].map((f) => discardMediaFile(f.absolute)));
    let outcomes: PartOutcome[];
    try {
      outcomes = await abandonAfterAbort(maker.make(ctx, claims, signal, files), signal);
    } catch (error) {
      await Promise.all(claims.map((_, i) => discard(i)));
      if (signal.aborted) {
        for (const claim of claims) {
          await retryOnConnectionLoss(() =>
            releaseInterruptedPart(ctx.sql, claim, { ...ctx.settings, runAt: job.run_at })
          );
        }
        return;
      }
      outcomes = claims.map(() => ({ error }));
    }
    for (const [i, outcome] of outcomes.entries()) {
      if (!("error" in outcome)) continue;
      await discard(i);
      const claim = claims[i];
      if (outcome.error instanceof SourceImageBroken) {
        await retryOnConnectionLoss(() =>
          redoSourceImage(ctx.sql, claim, (outcome.error as Error).message, ctx.settings)
        );
        continue;
      }
      const failure = describeFailure(outcome.error, maker.part);
      // A fault that fails every job alike (disk, database, a server) waits with the others and
      // does not use up this scene's attempts; other transient errors retry with the scene's backoff.
      const retryInMs = failure.global
        ? ctx.globalBackoff.next()
        : failure.transient && claim.attempt < job.max_attempts
        ? retryDelay(ctx.retryBackoffMs, claim.attempt)
        : null;
      const retrying = await retryOnConnectionLoss(() =>
        failPart(ctx.sql, claim, failure.message, {
          maxAttempts: ctx.settings.maxAttempts,
          servers: ctx.settings.servers,
          retryInMs,
          keepAttempt: failure.global,
        })
      );
      if (retrying && retryInMs !== null) ctx.wakeAfter(retryInMs);
      report(claim, retrying ? `failed and will be retried: ${failure.message}` : `failed: ${failure.message}`);
    }
    const made = outcomes.flatMap((o, i) => "take" in o ? [{ claim: claims[i], take: o.take, index: i }] : []);
    if (made.length) ctx.globalBackoff.reset();
    const kept = new Set<number>();
    try {
      const stored = await retryOnConnectionLoss(() => completeParts(ctx.sql, made, ctx.settings, job));
      for (const [k, { kept: wasKept, dropped }] of stored.entries()) {
        if (wasKept) kept.add(made[k].index);
        report(made[k].claim, wasKept ? "is done" : "was made but is no longer wanted");
        await Promise.all(dropped.map((path) => discardMediaFile(mediaPath(ctx.dataDir, path))));
      }
    } finally {
      for (const { index } of made) if (!kept.has(index)) await discard(index);
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
 * The message stored on the part, whether a retry may help, and whether the failure affects every
 * job alike (core/system/faults.ts: a full or failing disk, the database, an unreachable server —
 * even when a provider reported it, e.g. ffmpeg's "No space left on device"). A ProviderError
 * says itself whether it is transient; anything else (a bug) is treated as transient, with a
 * sentence around its message. Messages never carry server paths.
 */
export function describeFailure(
  error: unknown,
  part: PartName,
): { message: string; transient: boolean; global: boolean } {
  const fault = classifyFault(error);
  if (fault) return { message: fault.message, transient: true, global: true };
  if (error instanceof ProviderError) {
    return { message: withoutServerPaths(error.message), transient: error.transient, global: false };
  }
  const detail = withoutServerPaths(error instanceof Error ? error.message : String(error));
  return {
    message: `The ${part} could not be generated because of an unexpected error: ${detail.replace(/\.$/, "")}.`,
    transient: true,
    global: false,
  };
}
