/**
 * The run's time left, steady from its first second. Each kind of job (image, video) has a typical
 * duration: that of earlier runs on the same provider (the median of their takes, handed over by
 * the page), moved towards what this page measured of this run as its jobs finish. Images and
 * videos each run one job at a time; on one GPU server a run makes all its images first, then its
 * videos (`sequential`); otherwise the two queues overlap and the run ends with the slower one (or
 * with the last image's video). The job in flight counts as partly done, so the estimate counts
 * down between two jobs instead of jumping. Pure: table-tested in `eta_test.ts`.
 */
import type { RunSummary, TypicalJobMs } from "../core/types.ts";
import type { KindTiming, Timings } from "./job_timing.ts";

/** How many of this run's jobs the earlier runs' duration weighs as much as. */
export const PRIOR_WEIGHT = 3;

/** Input of {@link estimateRemainingMs}. */
export interface EtaInput {
  images: { done: number; total: number };
  videos: { done: number; total: number };
  /** Parts that failed and will not be done in this run (they need no more time). */
  failedImages?: number;
  failedVideos?: number;
  typical?: TypicalJobMs;
  /** What this page measured (`job_timing.ts`). */
  measured?: Timings;
  /** The run makes all its images before its videos. */
  sequential?: boolean;
  nowMs: number;
}

/** The typical time of one job: earlier runs' time weighed with this run's, or null when neither is known. */
export function jobMs(typical: number | null | undefined, measured: KindTiming | undefined): number | null {
  const n = measured?.n ?? 0;
  const total = measured?.totalMs ?? 0;
  if (typeof typical === "number") return (typical * PRIOR_WEIGHT + total) / (PRIOR_WEIGHT + n);
  return n > 0 ? total / n : null;
}

/**
 * Time left of a run in ms, or null when a kind of job with work left has no known duration yet
 * (no earlier run on its provider and none of this run's jobs of that kind timed).
 */
export function estimateRemainingMs(input: EtaInput): number | null {
  const failedImages = input.failedImages ?? 0;
  const left = {
    image: Math.max(0, input.images.total - input.images.done - failedImages),
    // A failed image means no video for that scene either.
    video: Math.max(0, input.videos.total - input.videos.done - (input.failedVideos ?? 0) - failedImages),
  };
  const each = { image: 0, video: 0 };
  const rest = { image: 0, video: 0 };
  for (const kind of ["image", "video"] as const) {
    if (left[kind] === 0) continue;
    const ms = jobMs(input.typical?.[kind], input.measured?.[kind]);
    if (ms === null) return null;
    const since = input.measured?.[kind].runningSince;
    const inFlight = since === null || since === undefined ? 0 : Math.min(input.nowMs - since, ms * 0.95);
    each[kind] = ms;
    rest[kind] = Math.max(0, left[kind] * ms - Math.max(0, inFlight));
  }
  if (input.sequential) return rest.image + rest.video;
  return Math.max(rest.image + (left.image > 0 && left.video > 0 ? each.video : 0), rest.video);
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
 * The toolbar's "about 2 min left" for an active run, or null while there is nothing to go on.
 * Failed parts count as needing no more time.
 *
 * @example
 * timeLeft(run, { typical: { image: 11_000, video: 90_000 }, measured: timing.read(), nowMs: Date.now() });
 */
export function timeLeft(
  run: Pick<RunSummary, "images" | "videos" | "failed">,
  context: Pick<EtaInput, "typical" | "measured" | "sequential" | "nowMs">,
): string | null {
  const ms = estimateRemainingMs({
    ...context,
    images: run.images,
    videos: run.videos,
    failedImages: run.failed.filter((f) => f.part === "image").length,
    failedVideos: run.failed.filter((f) => f.part === "video").length,
  });
  return ms === null ? null : formatRemaining(ms);
}
