/**
 * The texts a creator reads about a run (button label, counts, toast, screen-reader announcements)
 * and the estimate of the time left. Pure: no DOM, no signals, so the server render and the browser
 * say the same; table-tested in `progress_test.ts`.
 */
import { count } from "../components/count.ts";
import type { RunSummary } from "../core/types.ts";

/** The counts of a run these helpers read (a {@link RunSummary} fits). */
export type RunCounts = Pick<
  RunSummary,
  "status" | "totalScenes" | "finishedScenes" | "failedScenes" | "cancelledScenes" | "images" | "videos"
>;

/** "scene" or "scenes". */
export function scenes(n: number): string {
  return count(n, "scene", "scenes");
}

/** Scenes of the run that ended with both their image and their video. */
export function generatedScenes(run: RunCounts): number {
  return Math.max(0, run.finishedScenes - run.failedScenes - run.cancelledScenes);
}

/** The main button's label while a run is active: "Generating... (5/24)". */
export function generatingLabel(run: RunCounts): string {
  return `Generating... (${run.finishedScenes}/${run.totalScenes})`;
}

/** Fraction 0..1 of the run's scenes that are finished. */
export function sceneFraction(run: RunCounts): number {
  return run.totalScenes > 0 ? Math.min(1, run.finishedScenes / run.totalScenes) : 0;
}

/**
 * Fraction 0..1 for the progress bar: finished scenes, or finished images and videos when that is
 * further along (a scene finishes only with its video, so early in a run the images move the bar).
 */
export function progressFraction(run: RunCounts): number {
  const jobsTotal = run.images.total + run.videos.total;
  const jobs = jobsTotal > 0 ? (run.images.done + run.videos.done) / jobsTotal : 0;
  return Math.min(1, Math.max(sceneFraction(run), jobs));
}

/** What the toast says when a run ends. */
export interface Outcome {
  kind: "success" | "warning" | "info";
  text: string;
  /** True when some scenes failed: the toast offers the details. */
  hasFailures: boolean;
}

/**
 * The toast of a finished run: "24 scenes generated", "21 generated, 3 failed", or
 * "Cancelled — 5 of 24 scenes generated".
 */
export function outcome(run: RunCounts): Outcome {
  const generated = generatedScenes(run);
  if (run.status === "cancelled") {
    const failed = run.failedScenes > 0 ? `, ${run.failedScenes} failed` : "";
    return {
      kind: "info",
      text: `Cancelled — ${generated} of ${scenes(run.totalScenes)} generated${failed}`,
      hasFailures: run.failedScenes > 0,
    };
  }
  if (run.failedScenes > 0) {
    return { kind: "warning", text: `${generated} generated, ${run.failedScenes} failed`, hasFailures: true };
  }
  return { kind: "success", text: `${scenes(generated)} generated`, hasFailures: false };
}

/** "Images 5/24 · Videos 3/24". */
export function partCounts(run: RunCounts): string {
  return `Images ${run.images.done}/${run.images.total} · Videos ${run.videos.done}/${run.videos.total}`;
}

/** Input of {@link estimateRemainingMs}. */
export interface EtaInput {
  /** When the run started, in ms on the same clock as `nowMs`. */
  startedAtMs: number;
  nowMs: number;
  images: { done: number; total: number };
  videos: { done: number; total: number };
  /** Parts that failed and will not be done in this run (they need no more time). */
  failedImages?: number;
  failedVideos?: number;
}

/** Jobs that must have finished before an estimate is shown. */
export const ETA_MIN_JOBS = 3;

/**
 * Time left of a run, in ms, or null while there is too little to go on (fewer than
 * {@link ETA_MIN_JOBS} jobs done, or a queue with work left that has not finished one job yet).
 *
 * Images and videos run on their own queues at the same time, one job each, so the run ends when
 * the slower queue ends: time left = the larger of (jobs left × average time per job) of the two
 * queues, the averages taken over the run so far.
 */
export function estimateRemainingMs(input: EtaInput): number | null {
  const elapsed = Math.max(0, input.nowMs - input.startedAtMs);
  const done = input.images.done + input.videos.done;
  if (done < ETA_MIN_JOBS || elapsed <= 0) return null;
  // A failed image means no video for that scene either.
  const failedImages = input.failedImages ?? 0;
  const imagesLeft = Math.max(0, input.images.total - input.images.done - failedImages);
  const videosLeft = Math.max(0, input.videos.total - input.videos.done - (input.failedVideos ?? 0) - failedImages);
  let remaining = 0;
  for (const [left, doneInQueue] of [[imagesLeft, input.images.done], [videosLeft, input.videos.done]]) {
    if (left === 0) continue;
    if (doneInQueue === 0) return null;
    remaining = Math.max(remaining, left * (elapsed / doneInQueue));
  }
  return remaining;
}

/** "about 2 min left", "about 40 s left", "a few seconds left". */
export function formatRemaining(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 10) return "a few seconds left";
  if (seconds < 60) return `about ${Math.max(10, Math.round(seconds / 5) * 5)} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `about ${hours} h ${rest} min left` : `about ${hours} h left`;
}

/**
 * The toolbar's "about 2 min left" for an active run, or null while there is too little to go on.
 * `startedAtMs` is the run's start on the same clock as `nowMs` (the browser corrects the server's
 * clock for skew); failed parts count as needing no more time.
 *
 * @example
 * timeLeft(run, Date.parse(run.startedAt), Date.now()); // "about 40 s left"
 */
export function timeLeft(
  run: RunCounts & Pick<RunSummary, "failed">,
  startedAtMs: number,
  nowMs: number,
): string | null {
  if (Number.isNaN(startedAtMs)) return null;
  const ms = estimateRemainingMs({
    startedAtMs,
    nowMs,
    images: run.images,
    videos: run.videos,
    failedImages: run.failed.filter((f) => f.part === "image").length,
    failedVideos: run.failed.filter((f) => f.part === "video").length,
  });
  return ms === null ? null : formatRemaining(ms);
}

/** Milestones (fractions of the scenes) announced to screen readers while a run is active. */
export const ANNOUNCE_AT = [0.25, 0.5, 0.75] as const;

/**
 * What to announce (politely) when the run changes from `prev` to `next`, or null. Announces the
 * start, each quarter, and the end — never every scene, which would drown a screen reader.
 */
export function announcement(prev: RunCounts & { id: number } | null, next: RunCounts & { id: number }): string | null {
  const same = prev !== null && prev.id === next.id;
  if (next.status === "active") {
    if (!same || prev.status !== "active") return `Generating ${scenes(next.totalScenes)}.`;
    const before = sceneFraction(prev);
    const now = sceneFraction(next);
    const crossed = ANNOUNCE_AT.filter((m) => before < m && now >= m);
    if (crossed.length && now < 1) return `${next.finishedScenes} of ${scenes(next.totalScenes)} finished.`;
    return null;
  }
  if (same && prev.status === "active") return `${outcome(next).text}.`;
  return null;
}

/**
 * The first words of a text, for lists: at most `max` characters, cut at a word.
 *
 * @example
 * excerpt("The quick brown fox jumps over the lazy dog", 20); // "The quick brown fox…"
 */
export function excerpt(text: string, max = 90): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const atWord = /\s/.test(clean[max - 1]) ? cut.trimEnd() : cut.replace(/\s+\S*$/, "");
  return `${atWord.length > max / 2 ? atWord : cut}…`;
}
