/**
 * What this page measured of the run's jobs: how long each image and video job took, from the
 * moment the stream said it was running to the moment it said it was done (the stream's delay is
 * the same at both ends), and since when the job in flight has been running. The time-left
 * estimate (`eta.ts`) reads it alongside the durations of earlier runs.
 */
import type { PartName, PartStatus } from "../core/types.ts";

/** One kind of job as measured here. */
export interface KindTiming {
  /** Jobs timed from start to end. */
  n: number;
  /** Their time added up, ms. */
  totalMs: number;
  /** When the job of this kind in flight started (page clock, ms), or null. */
  runningSince: number | null;
}

/** The timings of both kinds of job. */
export type Timings = Record<"image" | "video", KindTiming>;

/** The tracker; see the module doc. */
export interface JobTiming {
  /** A part of a scene changed status (from a `scene.updated` or `scenes.updated` event). */
  observe(part: PartName, sentenceId: number, status: PartStatus): void;
  /** What was measured so far. */
  read(): Timings;
}

/**
 * A tracker on `now` (the page's clock by default).
 *
 * @example
 * const timing = createJobTiming();
 * timing.observe("image", 11, "running"); // … 2 s later:
 * timing.observe("image", 11, "done");
 * timing.read().image; // { n: 1, totalMs: 2000, runningSince: null }
 */
export function createJobTiming(now: () => number = Date.now): JobTiming {
  const started = new Map<string, number>();
  const measured = { image: { n: 0, totalMs: 0 }, video: { n: 0, totalMs: 0 } };
  return {
    observe(part, sentenceId, status) {
      if (part === "audio") return;
      const key = `${part}:${sentenceId}`;
      if (status === "running") {
        started.set(key, now());
        return;
      }
      const since = started.get(key);
      started.delete(key);
      if (status === "done" && since !== undefined) {
        measured[part].n++;
        measured[part].totalMs += Math.max(0, now() - since);
      }
    },
    read() {
      const since = { image: null as number | null, video: null as number | null };
      for (const [key, at] of started) {
        const part = key.startsWith("image") ? "image" : "video";
        since[part] = Math.max(since[part] ?? 0, at);
      }
      return {
        image: { ...measured.image, runningSince: since.image },
        video: { ...measured.video, runningSince: since.video },
      };
    },
  };
}
