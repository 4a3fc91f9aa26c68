import assert from "node:assert/strict";
import { runSummary } from "../tests/helpers/run_summary.ts";
import { estimateRemainingMs, formatRemaining, jobMs, PRIOR_WEIGHT, timeLeft } from "./eta.ts";
import { createJobTiming, type Timings } from "./job_timing.ts";

const none = { n: 0, totalMs: 0, runningSince: null };
const timed = (image: Partial<Timings["image"]> = {}, video: Partial<Timings["video"]> = {}): Timings => ({
  image: { ...none, ...image },
  video: { ...none, ...video },
});
const counts = (images: number, videos: number, total = 10) => ({
  images: { done: images, total },
  videos: { done: videos, total },
});

Deno.test("a job's time: earlier runs first, moved towards this run's as its jobs finish", () => {
  assert.equal(jobMs(null, undefined), null);
  assert.equal(jobMs(10_000, undefined), 10_000);
  assert.equal(jobMs(null, { n: 2, totalMs: 8000, runningSince: null }), 4000);
  // Earlier runs say 10 s, this run's first three jobs took 4 s each: halfway after PRIOR_WEIGHT jobs.
  assert.equal(PRIOR_WEIGHT, 3);
  assert.equal(jobMs(10_000, { n: 3, totalMs: 12_000, runningSince: null }), 7000);
});

Deno.test("time left from the first second: steady, not 4–6 times too long and growing", () => {
  const typical = { image: 2000, video: 5000 };
  // Overlapping queues: the run ends with the slower queue (10 videos × 5 s), known before any job ends.
  const start = estimateRemainingMs({ ...counts(0, 0), typical, nowMs: 0 });
  assert.equal(start, 50_000);
  // 10 s later, 5 images and 2 videos done as typical: 40 s left, not 10 s × (8 / 2) = 40 s of the
  // old elapsed ÷ done rule — which said 50 s × 4 = 200 s at 2 s in, with one image done.
  const later = estimateRemainingMs({
    ...counts(5, 2),
    typical,
    measured: timed({ n: 5, totalMs: 10_000 }, { n: 2, totalMs: 10_000 }),
    nowMs: 10_000,
  });
  assert.equal(later, 40_000);
  // One GPU server: all images, then all videos.
  assert.equal(estimateRemainingMs({ ...counts(0, 0), typical, sequential: true, nowMs: 0 }), 70_000);
  // Images slower than videos: the images decide, plus the last image's video.
  assert.equal(estimateRemainingMs({ ...counts(0, 0), typical: { image: 9000, video: 1000 }, nowMs: 0 }), 91_000);
});

Deno.test("time left counts down while a job runs, failed parts need no time, nothing known → null", () => {
  const typical = { image: 2000, video: 5000 };
  const running = timed({}, { runningSince: 1000 });
  // The video in flight started 3 s ago: 10 × 5 s − 3 s.
  assert.equal(estimateRemainingMs({ ...counts(10, 0), typical, measured: running, nowMs: 4000 }), 47_000);
  // A job running longer than typical still counts as not quite done.
  assert.equal(estimateRemainingMs({ ...counts(10, 9), typical, measured: running, nowMs: 60_000 }), 250);
  // Failed images take their videos with them.
  assert.equal(
    estimateRemainingMs({ ...counts(5, 2), typical, failedImages: 2, failedVideos: 1, nowMs: 0 }),
    25_000, // images: 3 left × 2 s = 6 s (+ 5 s for the last video); videos: 10 − 2 − 1 − 2 = 5 × 5 s
  );
  // No earlier run and no video timed yet: nothing to go on.
  assert.equal(estimateRemainingMs({ ...counts(3, 0), measured: timed({ n: 3, totalMs: 6000 }), nowMs: 0 }), null);
  // …unless no video is left to make.
  assert.equal(
    estimateRemainingMs({ ...counts(3, 10), measured: timed({ n: 3, totalMs: 6000 }), nowMs: 0 }),
    14_000,
  );
  assert.equal(estimateRemainingMs({ ...counts(10, 10), nowMs: 0 }), 0);
});

Deno.test("the toolbar's text: formatted, failures from the run", () => {
  const run = runSummary({ ...counts(5, 2), failed: [] });
  const context = { typical: { image: 2000, video: 5000 }, nowMs: 0 };
  assert.equal(timeLeft(run, context), "about 40 s left");
  const failed = (part: "image" | "video") => ({ sentenceId: 1, number: 1, text: "", part, error: "x" });
  assert.equal(
    timeLeft({ ...run, failed: [failed("image"), failed("image"), failed("video")] }, context),
    "about 25 s left",
  );
  assert.equal(timeLeft(run, { nowMs: 0 }), null);
});

Deno.test("time left reads like a person would say it", () => {
  assert.equal(formatRemaining(0), "a few seconds left");
  assert.equal(formatRemaining(9_400), "a few seconds left");
  assert.equal(formatRemaining(12_000), "about 10 s left");
  assert.equal(formatRemaining(43_000), "about 45 s left");
  assert.equal(formatRemaining(59_000), "about 60 s left");
  assert.equal(formatRemaining(95_000), "about 2 min left");
  assert.equal(formatRemaining(59 * 60_000), "about 59 min left");
  assert.equal(formatRemaining(60 * 60_000), "about 1 h left");
  assert.equal(formatRemaining(135 * 60_000), "about 2 h 15 min left");
});

Deno.test("job timing: running → done measured per kind; the job in flight; cancelled jobs are not timed", () => {
  let now = 0;
  const timing = createJobTiming(() => now);
  timing.observe("image", 1, "running");
  now = 2000;
  timing.observe("image", 1, "done");
  timing.observe("video", 1, "running");
  timing.observe("image", 2, "running");
  now = 2500;
  assert.deepEqual(timing.read(), timed({ n: 1, totalMs: 2000, runningSince: 2000 }, { runningSince: 2000 }));
  timing.observe("image", 2, "cancelled");
  timing.observe("video", 1, "failed");
  timing.observe("video", 3, "done"); // never seen running (the page opened later): not timed
  timing.observe("audio", 1, "running");
  assert.deepEqual(timing.read(), timed({ n: 1, totalMs: 2000 }));
});
