/**
 * The texts a creator reads about a run (button labels, counts, toast, screen-reader
 * announcements; the time left is `eta.ts`). Pure: no DOM, no signals, so the server render and the
 * browser say the same; table-tested in `progress_test.ts`.
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

/** "Images 5/24 · Videos 3/24"; a kind the run makes none of is left out ("Videos 3/24"). */
export function partCounts(run: RunCounts): string {
  return ([["Images", run.images], ["Videos", run.videos]] as const)
    .filter(([, c]) => c.total > 0).map(([name, c]) => `${name} ${c.done}/${c.total}`).join(" · ");
}

/** What the toolbar's main button does while no run is going (see {@link idleAction}). */
export interface IdleAction {
  /** The Generate All scope it starts, or null: nothing to do (the button is a status, not an action). */
  scope: "missing" | "changed" | null;
  label: string;
  /** "Regenerate changed (n)" beside "Generate All Scenes" when some scenes lack media and others are out of date. */
  alsoChanged: string | null;
}

/**
 * The main action from what Generate All would do: make the missing scenes, else remake the ones
 * out of date, else nothing ("All scenes generated", which is not an action that would answer 409).
 *
 * @example
 * idleAction({ missing: 0, outdated: 2 }); // { scope: "changed", label: "Regenerate changed (2)", alsoChanged: null }
 */
export function idleAction(tally: { missing: number; outdated: number }): IdleAction {
  const changed = tally.outdated > 0 ? `Regenerate changed (${tally.outdated})` : null;
  if (tally.missing > 0) return { scope: "missing", label: "Generate All Scenes", alsoChanged: changed };
  if (changed) return { scope: "changed", label: changed, alsoChanged: null };
  return { scope: null, label: "All scenes generated", alsoChanged: null };
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
