import assert from "node:assert/strict";
import {
  announcement,
  excerpt,
  generatingLabel,
  idleAction,
  outcome,
  partCounts,
  progressFraction,
  type RunCounts,
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
  // A run that makes no images (videos of existing images only) says nothing of "Images 0/0".
  assert.equal(partCounts(run({ images: { done: 0, total: 0 }, videos: { done: 1, total: 3 } })), "Videos 1/3");
  assert.equal(partCounts(run({ images: { done: 0, total: 0 }, videos: { done: 0, total: 0 } })), "");
});

Deno.test("the main action follows what Generate All would do", () => {
  const cases: [{ missing: number; outdated: number }, ReturnType<typeof idleAction>][] = [
    [{ missing: 3, outdated: 0 }, { scope: "missing", label: "Generate All Scenes", alsoChanged: null }],
    [{ missing: 3, outdated: 2 }, {
      scope: "missing",
      label: "Generate All Scenes",
      alsoChanged: "Regenerate changed (2)",
    }],
    [{ missing: 0, outdated: 2 }, { scope: "changed", label: "Regenerate changed (2)", alsoChanged: null }],
    [{ missing: 0, outdated: 0 }, { scope: null, label: "All scenes generated", alsoChanged: null }],
  ];
  for (const [tally, expected] of cases) assert.deepEqual(idleAction(tally), expected, JSON.stringify(tally));
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
