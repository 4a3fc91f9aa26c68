/**
 * The words a creator reads for a scene part and its status — on the card and in the failure
 * details alike. Pure, so islands use them too. A new part kind or status fails the type check here
 * until it has its words.
 */
import type { PartName, PartStatus } from "../core/types.ts";

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
