/**
 * Task `write_prompts` (queue `prompts`): writes the next batch of one prompt job
 * (core/engine/prompt_jobs.ts) with the configured writer (PROMPT_PROVIDER); saving it queues the
 * job of the batch after, so a prompt job is a chain of short jobs (core/engine/prompt_writing.ts):
 *
 * 1. register an AbortController (shutdown aborts it) and LISTEN for the job's cancel, which aborts
 *    it too (on every (re)connect it checks the job is still active, so a cancel is never missed);
 * 2. read the job's remaining scenes and its notes; of the next batch, the scenes that still have a
 *    prompt the creator did not write go to the writer, and the result is saved (only where the
 *    creator has not written meanwhile) with the progress;
 * 3. a transient failure of the writer (busy, down, slow) is tried again with backoff, up to
 *    MAX_ATTEMPTS; a permanent one, or the last try, ends the job `failed` with the writer's
 *    sentence (what was saved stays); cancelled → the job just stops; shutdown → the batch is
 *    handed back to the queue.
 *
 * Database errors are retried here for a while; one that persists reaches graphile-worker, which
 * runs the job again later.
 */
import type { JobHelpers, Task } from "graphile-worker";
import { retryOnConnectionLoss } from "../../core/db/retry.ts";
import { parsePromptPayload, PROMPT_CANCEL_CHANNEL, promptJobKey } from "../../core/engine/prompt_queue.ts";
import {
  finishPromptJob,
  loadPromptWork,
  openScenes,
  type PromptWork,
  releasePromptJob,
  savePromptBatch,
} from "../../core/engine/prompt_writing.ts";
import { type PromptBatchRequest, type PromptBatchResult, ProviderError } from "../../providers/prompts/types.ts";
import { WorkerShutdown } from "../running_jobs.ts";
import { retryDelay, type TaskContext } from "./part_task.ts";

/** Why a prompt job's signal was aborted: the creator cancelled it. */
class PromptJobCancelled extends Error {
  constructor() {
    super("Writing prompts was cancelled.");
    this.name = "AbortError";
  }
}

/** The writer failed for good: the message is the one the job ends with. */
class WriterFailure extends Error {}

export function writePromptsTask(ctx: TaskContext): Task {
  return (payload, helpers) => runPromptJob(ctx, payload, helpers);
}

export async function runPromptJob(ctx: TaskContext, payload: unknown, helpers: JobHelpers): Promise<void> {
  const jobId = parsePromptPayload(payload);
  const job = helpers.job;
  if (jobId === null) {
    ctx.log(`Job ${job.id} (${job.task_identifier}) has an unusable payload ${JSON.stringify(payload)}; dropped.`);
    return;
  }
  const controller = ctx.jobs.add(String(job.id), null, promptJobKey(jobId));
  const onShutdown = () => ctx.jobs.abortAll();
  helpers.abortSignal?.addEventListener("abort", onShutdown);
  const stopIfEnded = async () => {
    const [row] = await ctx.sql<{ status: string }[]>`select status from prompt_jobs where id = ${jobId}`;
    if (row?.status !== "active") controller.abort(new PromptJobCancelled());
  };
  let listener: { unlisten(): Promise<void> } | undefined;
  try {
    listener = await ctx.sql.listen(PROMPT_CANCEL_CHANNEL, (cancelled) => {
      if (cancelled === String(jobId)) controller.abort(new PromptJobCancelled());
    }, () => {
      stopIfEnded().catch((e) => ctx.log(`Could not check whether prompt job ${jobId} was cancelled: ${e.message}`));
    });
    const work = await retryOnConnectionLoss(() => loadPromptWork(ctx.sql, jobId));
    if (work) await writeNextBatch(ctx, work, controller.signal);
  } finally {
    await listener?.unlisten().catch(() => {});
    ctx.jobs.remove(String(job.id));
    helpers.abortSignal?.removeEventListener("abort", onShutdown);
  }
}

/** Writes and saves the job's next batch (see the module doc). */
async function writeNextBatch(ctx: TaskContext, work: PromptWork, signal: AbortSignal): Promise<void> {
  const { jobId, script } = work;
  const ids = work.remaining.slice(0, ctx.promptWriter.batchSize);
  if (ids.length === 0) return await retryOnConnectionLoss(() => finishPromptJob(ctx.sql, jobId, "completed"));
  const inScript = new Set(script.sections.flatMap((s) => s.sentences.map((sentence) => sentence.id)));
  try {
    const scenes = (await retryOnConnectionLoss(() => openScenes(ctx.sql, ids)))
      .filter((scene) => inScript.has(scene.sentenceId));
    const notes = work.notes;
    const result = scenes.length ? await writeBatch(ctx, { script, scenes, notes, signal }) : { prompts: [], notes };
    // False when the job was cancelled meanwhile: nothing of this batch is saved then.
    await retryOnConnectionLoss(() =>
      savePromptBatch(ctx.sql, jobId, {
        writtenAfter: work.written + ids.length,
        prompts: result.prompts,
        notes: result.notes,
        last: ids.length === work.remaining.length,
      })
    );
  } catch (error) {
    if (signal.aborted) {
      if (signal.reason instanceof WorkerShutdown) await retryOnConnectionLoss(() => releasePromptJob(ctx.sql, jobId));
      return;
    }
    if (!(error instanceof WriterFailure)) throw error;
    await retryOnConnectionLoss(() => finishPromptJob(ctx.sql, jobId, "failed", error.message));
  }
}

/** One batch, tried again after transient failures with backoff; a {@link WriterFailure} when it cannot be done. */
async function writeBatch(ctx: TaskContext, request: PromptBatchRequest): Promise<PromptBatchResult> {
  for (let attempt = 1;; attempt++) {
    try {
      return await ctx.promptWriter.writeBatch(request);
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      const transient = error instanceof ProviderError ? error.transient : true;
      if (!transient || attempt >= ctx.settings.maxAttempts) throw new WriterFailure(failureMessage(error, attempt));
      await sleep(retryDelay(ctx.retryBackoffMs, attempt), request.signal);
    }
  }
}

/**
 * The sentence a failed job ends with: the writer's own (a transient one says how often it was
 * tried instead of "it will be tried again"), or one around an unexpected error.
 */
export function failureMessage(error: unknown, attempts: number): string {
  if (error instanceof ProviderError) {
    if (!error.transient) return error.message;
    return `${error.message.replace(/[;,]? it will be tried again\.$/, ".")} Gave up after ${attempts} ${
      attempts === 1 ? "try" : "tries"
    }: write prompts again later.`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `Writing prompts failed because of an unexpected error: ${detail.replace(/\.$/, "")}.`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
