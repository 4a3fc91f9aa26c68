import assert from "node:assert/strict";
import {
  announcement,
  estimateRemainingMs,
  excerpt,
  formatRemaining,
  generatingLabel,
  outcome,
  partCounts,
  progressFraction,
  type RunCounts,
  timeLeft,
} from "./progress.ts";
import { runSummary } from "../tests/helpers/run_summary.ts";

/** An active run of 24 scenes, overridable. */
function run(over: Partial<RunCounts> & { id?: number } = {}) {
  return runSummary({ totalScenes: 24, images: { done: 0, total: 24 }, videos: { done: 0, total: 24 }, ...over });
}

Deno.test("labels and counts", () => {
  assert.equal(generatingLabel(run({ finishedScenes: 5 })), "Generating... (5/24)");
  assert.equal(
    partCounts(run({ images: { done: 7, total: 24 }, videos: { done: 5, total: 24 } })),
    "Images 7/24 · Videos 5/24",
  );
});

Deno.test("the bar moves with images before scenes finish", () => {
  assert.equal(progressFraction(run()), 0);
  assert.equal(progressFraction(run({ images: { done: 12, total: 24 } })), 0.25);
  assert.equal(progressFraction(run({ finishedScenes: 24, failedScenes: 24 })), 1);
  assert.equal(
    progressFraction(run({ totalScenes: 0, images: { done: 0, total: 0 }, videos: { done: 0, total: 0 } })),
    0,
  );
});

Deno.test("toast text of a finished run", () => {
  assert.deepEqual(outcome(run({ status: "completed", finishedScenes: 24 })), {
    kind: "success",
    text: "24 scenes generated",
    hasFailures: false,
  });
  assert.equal(outcome(run({ status: "completed", totalScenes: 1, finishedScenes: 1 })).text, "1 scene generated");
  assert.deepEqual(outcome(run({ status: "completed", finishedScenes: 24, failedScenes: 3 })), {
    kind: "warning",
    text: "21 generated, 3 failed",
    hasFailures: true,
  });
  assert.deepEqual(outcome(run({ status: "cancelled", finishedScenes: 24, cancelledScenes: 19 })), {
    kind: "info",
    text: "Cancelled — 5 of 24 scenes generated",
    hasFailures: false,
  });
  const cancelledWithFailures = outcome(run({
    status: "cancelled",
    finishedScenes: 24,
    cancelledScenes: 10,
    failedScenes: 2,
  }));
  assert.equal(cancelledWithFailures.text, "Cancelled — 12 of 24 scenes generated, 2 failed");
  assert.equal(cancelledWithFailures.hasFailures, true);
});

Deno.test("time left: nothing until a few jobs finished, then the slower queue decides", () => {
  const base = { startedAtMs: 0, images: { done: 0, total: 10 }, videos: { done: 0, total: 10 } };
  assert.equal(estimateRemainingMs({ ...base, nowMs: 5000 }), null);
  // Two jobs done: still too few.
  assert.equal(estimateRemainingMs({ ...base, nowMs: 5000, images: { done: 2, total: 10 } }), null);
  // Images only so far, videos have work left but no timing yet.
  assert.equal(estimateRemainingMs({ ...base, nowMs: 6000, images: { done: 3, total: 10 } }), null);
  // 10 s in: 5 images (2 s each, 5 left → 10 s), 2 videos (5 s each, 8 left → 40 s).
  assert.equal(
    estimateRemainingMs({
      ...base,
      nowMs: 10_000,
      images: { done: 5, total: 10 },
      videos: { done: 2, total: 10 },
    }),
    40_000,
  );
  // Failed parts need no more time; a failed image also means no video for that scene.
  assert.equal(
    estimateRemainingMs({
      ...base,
      nowMs: 10_000,
      images: { done: 5, total: 10 },
      videos: { done: 2, total: 10 },
      failedImages: 2,
      failedVideos: 1,
    }),
    25_000, // images: 3 left × 2 s = 6 s; videos: 10 − 2 − 1 − 2 = 5 left × 5 s = 25 s
  );
  // Only videos left (images all done): the video queue decides alone.
  assert.equal(
    estimateRemainingMs({
      ...base,
      nowMs: 20_000,
      images: { done: 10, total: 10 },
      videos: { done: 8, total: 10 },
    }),
    5000,
  );
  // Done: nothing left.
  assert.equal(
    estimateRemainingMs({ ...base, nowMs: 1000, images: { done: 10, total: 10 }, videos: { done: 10, total: 10 } }),
    0,
  );
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

Deno.test("announcements: start, quarters and end — not every scene", () => {
  const r0 = run();
  assert.equal(announcement(null, r0), "Generating 24 scenes.");
  assert.equal(announcement(r0, run({ finishedScenes: 1 })), null);
  assert.equal(announcement(run({ finishedScenes: 5 }), run({ finishedScenes: 6 })), "6 of 24 scenes finished.");
  assert.equal(announcement(run({ finishedScenes: 6 }), run({ finishedScenes: 7 })), null);
  assert.equal(announcement(run({ finishedScenes: 11 }), run({ finishedScenes: 12 })), "12 of 24 scenes finished.");
  // Jumping over several quarters announces once.
  assert.equal(announcement(run({ finishedScenes: 1 }), run({ finishedScenes: 20 })), "20 of 24 scenes finished.");
  // The end is announced with the outcome, once (a repeat of the ended state says nothing).
  const done = run({ status: "completed", finishedScenes: 24, failedScenes: 2 });
  assert.equal(announcement(run({ finishedScenes: 23 }), done), "22 generated, 2 failed.");
  assert.equal(announcement(done, done), null);
  // A page that loads an ended run announces nothing.
  assert.equal(announcement(null, done), null);
  // A new run after an ended one is a start.
  assert.equal(announcement(done, run({ id: 2, totalScenes: 2 })), "Generating 2 scenes.");
});

Deno.test("excerpts cut at a word", () => {
  assert.equal(excerpt("Short one."), "Short one.");
  assert.equal(excerpt("  spaced\n  out  "), "spaced out");
  assert.equal(excerpt("The quick brown fox jumps over the lazy dog", 20), "The quick brown fox…");
  assert.equal(excerpt("Supercalifragilisticexpialidocious is long", 10), "Supercali…");
});

Deno.test("the toolbar's time left: formatted, failed parts excluded, nothing without a start time", () => {
  const failed = (part: "image" | "video") => ({ sentenceId: 1, number: 1, text: "", part, error: "x" });
  const active = run({ images: { done: 5, total: 10 }, videos: { done: 2, total: 10 } });
  assert.equal(timeLeft(active, 0, 10_000), "about 40 s left");
  assert.equal(
    timeLeft({ ...active, failed: [failed("image"), failed("image"), failed("video")] }, 0, 10_000),
    "about 25 s left",
  );
  assert.equal(timeLeft(active, NaN, 10_000), null);
  assert.equal(
    timeLeft({ ...active, images: { done: 1, total: 10 }, videos: { done: 0, total: 10 } }, 0, 10_000),
    null,
  );
});
