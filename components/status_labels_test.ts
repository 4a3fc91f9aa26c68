import assert from "node:assert/strict";
import { outdatedBadge, partBadge, retryNote } from "./status_labels.ts";

Deno.test("a part's badge: what it waits for, else its status", () => {
  const cases: [Parameters<typeof partBadge>, string][] = [
    [[{ status: "queued", phase: null }], "Queued"],
    [[{ status: "queued", phase: "held" }], "Waiting for the images"],
    [[{ status: "running", phase: "waiting" }], "Waiting for the GPU"],
    [[{ status: "queued", phase: "retrying" }], "Retrying"],
    [[{ status: "idle", phase: null }, "After the image"], "After the image"],
    [[{ status: "done", phase: null }, "After the image"], "Done"],
    [[{ status: "failed", phase: null }], "Failed"],
  ];
  for (const [args, expected] of cases) assert.equal(partBadge(...args), expected, JSON.stringify(args));
  assert.equal(outdatedBadge(true), "Prompt changed");
  assert.equal(outdatedBadge(false), "Out of date");
});

Deno.test("a retry's note counts down to the next attempt", () => {
  assert.equal(
    retryNote(1, "The GPU server did not answer.", 4),
    "Attempt 1 failed: The GPU server did not answer, retrying in 4 s",
  );
  assert.equal(retryNote(2, "Out of memory", 0), "Attempt 2 failed: Out of memory, retrying now");
  assert.equal(retryNote(0, null, -3), "Attempt 1 failed: no message, retrying now");
});
