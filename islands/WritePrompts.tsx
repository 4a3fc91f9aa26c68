/**
 * Island: "Write prompts" for the whole project (the storyboard header; the page's latest prompt job
 * reaches the client with the toolbar's props, `StoryboardInit.promptJob`), for a section (under
 * its heading), or for one scene
 * (`sentenceId`, for the scene card). While a job runs, the button that started it (the header:
 * any job) reads "Writing prompts… (3/24)" with a Cancel; the other buttons wait. When it ends,
 * that button says how it went (a failure, with the writer's sentence, is also shown after a
 * reload), and the cards show the new prompts as the stream brings them (`sentence.updated`). The
 * creator's own prompts are never overwritten.
 */
import { useStoryboard } from "../client/hooks.ts";
import { count } from "../components/count.ts";
import type { PromptsUpdate } from "../core/types.ts";

export interface WritePromptsProps {
  projectId: number;
  /** A section's button. */
  sectionId?: number;
  /** A scene's button. */
  sentenceId?: number;
}

/** Not needed before the page is interactive: loaded once the cards and the toolbar are hydrated. */
export const hydration = "idle";

/** What a button says about its job once it ended. */
function outcome(job: PromptsUpdate): string {
  if (job.status === "failed") return job.error ?? "Writing prompts failed.";
  if (job.status === "cancelled") return `Stopped after ${job.written} of ${count(job.total, "scene", "scenes")}.`;
  return `Prompts written for ${count(job.total, "scene", "scenes")}.`;
}

export default function WritePrompts({ projectId, sectionId, sentenceId }: WritePromptsProps) {
  const { prompts } = useStoryboard();
  const key = sentenceId ? `scene:${sentenceId}` : sectionId ? `section:${sectionId}` : "project";
  const job = prompts.job.value;
  const origin = prompts.origin.value;
  const busy = prompts.busy.value;
  const error = prompts.error.value;
  const active = job?.status === "active";
  // The job is this button's when it started it here, else when its scope is this button's.
  const scopeKey = job?.scope === "project" ? "project" : job?.scope === "section" ? `section:${job.sectionId}` : null;
  const mine = !!job && (origin?.jobId === job.jobId ? origin.key : scopeKey) === key;
  const progress = active && (mine || key === "project");
  // How a job ended is news when this page saw it run; a failure is worth telling anyway.
  const ended = !active && mine && (prompts.watched.value === job.jobId || job.status === "failed");
  const waiting = active || busy !== null;
  return (
    <div class="write-prompts" data-prompts={key} data-job-status={mine ? job?.status : undefined}>
      <button
        type="button"
        class="secondary"
        aria-disabled={waiting ? "true" : undefined}
        aria-busy={progress || busy === key ? "true" : undefined}
        onClick={() => {
          if (waiting) return;
          prompts.write(key, projectId, sentenceId ? { sentenceIds: [sentenceId] } : sectionId ? { sectionId } : {});
        }}
      >
        {progress ? `Writing prompts… (${job.written}/${job.total})` : busy === key ? "Starting…" : "Write prompts"}
      </button>
      {progress && (
        <button
          type="button"
          class="link-button"
          aria-busy={busy ? "true" : undefined}
          onClick={() => prompts.cancel(key)}
        >
          Cancel
        </button>
      )}
      {ended && (
        <span class={job.status === "failed" ? "write-prompts-error" : "write-prompts-note"} role="status">
          {outcome(job)}
        </span>
      )}
      {error?.origin === key && <span class="write-prompts-error" role="alert">{error.message}</span>}
    </div>
  );
}
