/**
 * The prompt writer's job in graphile-worker, named in one place like core/engine/jobs.ts does for
 * the scene parts: task `write_prompts` on its own named queue `prompts` (one batch of one prompt job
 * at a time across all workers: a chat server is usually one GPU), job key `prompts:<promptJobId>`
 * (the job of the prompt job's next batch), payload `{promptJobId}`, and the NOTIFY channel that
 * stops a running one.
 */
import type { Tx } from "../db/client.ts";

/** Task identifier of the prompt writer. */
export const PROMPT_TASK = "write_prompts";

/** Named queue of prompt jobs. */
export const PROMPT_QUEUE = "prompts";

/** NOTIFY channel whose payload is the id of a prompt job to stop (it was cancelled). */
export const PROMPT_CANCEL_CHANNEL = "studio_cancel_prompts";

/**
 * Tries per graphile-worker job (one batch). Failures of the writer end the prompt job themselves;
 * only a crash, or a database that stays away, spends these.
 */
const MAX_JOB_ATTEMPTS = 5;

/**
 * The job key of a prompt job.
 * @example promptJobKey(7) // "prompts:7"
 */
export function promptJobKey(promptJobId: number): string {
  return `prompts:${promptJobId}`;
}

/** The prompt job id of a payload; null when it is not one of ours. */
export function parsePromptPayload(payload: unknown): number | null {
  const id = (payload as { promptJobId?: unknown } | null)?.promptJobId;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * Enqueues the job of a prompt job's next batch inside the caller's transaction. While a job with
 * its key runs, this adds a second one (graphile-worker clears the running one's key): how a batch
 * queues the next, and how a batch handed back at shutdown is queued again.
 */
export async function enqueuePromptJob(tx: Tx, promptJobId: number): Promise<void> {
  await tx`
    select graphile_worker.add_job(${PROMPT_TASK}::text, json_build_object('promptJobId', ${promptJobId}::int),
      queue_name => ${PROMPT_QUEUE}::text, job_key => ${promptJobKey(promptJobId)}::text,
      max_attempts => ${MAX_JOB_ATTEMPTS}::int)`;
}

/**
 * Removes a prompt job's queued job and asks the worker running it, if any, to stop (NOTIFY on
 * {@link PROMPT_CANCEL_CHANNEL}, delivered at commit).
 */
export async function stopPromptJob(tx: Tx, promptJobId: number): Promise<void> {
  await tx`select graphile_worker.remove_job(${promptJobKey(promptJobId)}::text),
    pg_notify(${PROMPT_CANCEL_CHANNEL}, ${String(promptJobId)})`;
}

/**
 * Whether a prompt job still has a graphile-worker job that will run (queued, running, or waiting
 * to be retried). A prompt job left active without one was interrupted for good.
 */
export async function hasLiveJob(tx: Tx, promptJobId: number): Promise<boolean> {
  const [row] = await tx`
    select 1 from graphile_worker.jobs
    where key = ${promptJobKey(promptJobId)} and (locked_at is not null or attempts < max_attempts)`;
  return row !== undefined;
}
