/**
 * What the project list says about a project's last run: "Generating now — 5 of 24 scenes
 * finished", "Last run 3 h ago: 21 scenes generated, 3 failed", "Last run cancelled 2 days ago".
 * Pure, table-tested.
 */
import type { LastRun } from "../core/types.ts";
import { count } from "./count.ts";
import { timeAgo } from "./time_ago.ts";

/** The list entry's line about `run` (null: "Not generated yet"), at `nowMs`. */
export function lastRunText(run: LastRun | null, nowMs: number): string {
  if (!run) return "Not generated yet";
  if (run.status === "active") {
    return `Generating now — ${run.finishedScenes} of ${count(run.totalScenes, "scene", "scenes")} finished`;
  }
  const when = timeAgo(Date.parse(run.finishedAt ?? run.startedAt), nowMs);
  if (run.status === "cancelled") return `Last run cancelled ${when}`;
  const generated = Math.max(0, run.finishedScenes - run.failedScenes - run.cancelledScenes);
  const failed = run.failedScenes > 0 ? `, ${run.failedScenes} failed` : "";
  return `Last run ${when}: ${count(generated, "scene", "scenes")} generated${failed}`;
}
