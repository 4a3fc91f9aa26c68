import assert from "node:assert/strict";
import type { LastRun } from "../core/types.ts";
import { lastRunText } from "./last_run.ts";
import { timeAgo } from "./time_ago.ts";

const NOW = Date.parse("2025-01-02T12:00:00Z");
const run = (over: Partial<LastRun>): LastRun => ({
  id: 1,
  status: "completed",
  startedAt: "2025-01-02T11:00:00Z",
  finishedAt: "2025-01-02T11:55:00Z",
  totalScenes: 24,
  finishedScenes: 24,
  failedScenes: 0,
  cancelledScenes: 0,
  ...over,
});

Deno.test("the project list's last run line", () => {
  const cases: [LastRun | null, string][] = [
    [null, "Not generated yet"],
    [run({ status: "active", finishedAt: null, finishedScenes: 5 }), "Generating now — 5 of 24 scenes finished"],
    [run({}), "Last run 5 min ago: 24 scenes generated"],
    [run({ failedScenes: 3 }), "Last run 5 min ago: 21 scenes generated, 3 failed"],
    [run({ totalScenes: 1, finishedScenes: 1 }), "Last run 5 min ago: 1 scene generated"],
    [run({ status: "cancelled", finishedAt: "2025-01-01T12:00:00Z" }), "Last run cancelled yesterday"],
  ];
  for (const [input, expected] of cases) assert.equal(lastRunText(input, NOW), expected);
});

Deno.test("time ago reads like a person would say it", () => {
  const cases: [number, string][] = [
    [-5_000, "just now"],
    [10_000, "just now"],
    [50_000, "1 min ago"],
    [59 * 60_000, "59 min ago"],
    [90 * 60_000, "2 h ago"],
    [23 * 3_600_000, "23 h ago"],
    [30 * 3_600_000, "yesterday"],
    [5 * 86_400_000, "5 days ago"],
  ];
  for (const [ago, expected] of cases) assert.equal(timeAgo(NOW - ago, NOW), expected, String(ago));
});
