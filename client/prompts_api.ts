/**
 * The browser's calls for "Write prompts" (`/api/v1`): start a prompt job for the whole project, a
 * section or some scenes, and cancel it. Each answers with the job as a `prompts.updated` event
 * carries it ({@link PromptsUpdate}), so answers and events feed the same model. Failures are
 * {@link ApiCallError}s with a sentence a creator can read (the server's own when it sent one).
 *
 * A scene card's "Write prompts" is one call:
 *
 * ```ts
 * await writePrompts(projectId, { sentenceIds: [sentenceId] });
 * ```
 *
 * or, to show progress and errors with the rest of the page, `useStoryboard().prompts.write(...)`
 * (client/prompts_model.ts).
 */
import type { PromptJobView, PromptsUpdate } from "../core/types.ts";
import { postJson } from "./api.ts";

export { ApiCallError } from "./api.ts";

/** What to write: some scenes, one section, or (empty) the whole project. */
export type PromptTarget = { sentenceIds: number[] } | { sectionId: number } | Record<string, never>;

/** A job as the answers carry it, in the shape of its events. */
export function jobUpdate(job: PromptJobView): PromptsUpdate {
  const update: PromptsUpdate = {
    jobId: job.id,
    status: job.status,
    scope: job.scope,
    sectionId: job.sectionId,
    total: job.total,
    written: job.written,
  };
  if (job.error) update.error = job.error;
  return update;
}

/**
 * Starts writing prompts (or gets the project's job already running).
 *
 * @example
 * const job = await writePrompts(7, { sectionId: 3 }); // job.status === "active"
 */
export async function writePrompts(
  projectId: number,
  target: PromptTarget = {},
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): Promise<PromptsUpdate> {
  const answer = await postJson(fetchImpl, `/projects/${projectId}/write-prompts`, target) as { job: PromptJobView };
  return jobUpdate(answer.job);
}

/** Cancels a prompt job; what it wrote stays. */
export async function cancelPrompts(
  jobId: number,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
): Promise<PromptsUpdate> {
  const answer = await postJson(fetchImpl, `/prompt-jobs/${jobId}/cancel`) as { job: PromptJobView };
  return jobUpdate(answer.job);
}
