/**
 * The words a creator reads for a scene part and its status — on the card and in the failure
 * details alike. Pure, so islands use them too. A new part kind or status fails the type check here
 * until it has its words.
 */
import type { PartName, PartPhase, PartStatus } from "../core/types.ts";

/** A part's name as a label: "Image", "Video", "Narration". */
export const PART_LABELS: Readonly<Record<PartName, string>> = {
  image: "Image",
  video: "Video",
  audio: "Narration",
};

/** A part's status as a badge: "Queued", "Generating…", "Failed"… */
export const STATUS_LABELS: Readonly<Record<PartStatus, string>> = {
  idle: "Not generated",
  queued: "Queued",
  running: "Generating…",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * What the creator calls scene `n`, in a heading, a list or a label.
 *
 * @example
 * sceneLabel(7); // "Scene 7"
 */
export function sceneLabel(n: number): string {
  return `Scene ${n}`;
}

/** What a part's badge says: its status, or what a queued or running part waits for. */
export function partBadge(
  state: { status: PartStatus; phase: PartPhase | null },
  waitingFor?: string,
): string {
  if (state.phase === "held") return "Waiting for the images";
  if (state.phase === "waiting") return "Waiting for the GPU";
  if (state.phase === "retrying") return "Retrying";
  if (state.status === "idle" && waitingFor) return waitingFor;
  return STATUS_LABELS[state.status];
}

/**
 * The note of a part whose attempt failed and that will be tried again, counting down to the retry.
 *
 * @example
 * retryNote(1, "The GPU server did not answer.", 4); // "Attempt 1 failed: The GPU server did not answer, retrying in 4 s"
 */
export function retryNote(attempt: number, error: string | null, seconds: number): string {
  const why = (error ?? "no message").trim().replace(/\.$/, "");
  return `Attempt ${Math.max(1, attempt)} failed: ${why}, ${seconds > 0 ? `retrying in ${seconds} s` : "retrying now"}`;
}

/** The badge of a part whose take is out of date: the prompt changed, or something else did. */
export function outdatedBadge(promptChanged: boolean): string {
  return promptChanged ? "Prompt changed" : "Out of date";
}
