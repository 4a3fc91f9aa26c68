/**
 * graphile-worker task `prune_events`: deletes live-update events older than the retention period
 * (EVENTS_RETENTION_DAYS, 7 by default). The worker schedules it hourly with
 * {@link pruneEventsCrontab}, which carries the retention in the job payload; graphile-worker's
 * crontab bookkeeping (`known_crontabs`) makes several worker processes schedule it once, not once
 * each. Deleting is idempotent, so a retry or a manual run is harmless.
 */
import type { Task } from "graphile-worker";
import type { Sql } from "../../core/db/client.ts";
import { pruneEvents } from "../../core/live/retention.ts";

export const PRUNE_EVENTS_TASK = "prune_events";

/** The crontab line: minute 17 of every hour, at most 3 attempts, the retention as payload. */
export function pruneEventsCrontab(retentionDays: number): string {
  return `17 * * * * ${PRUNE_EVENTS_TASK} ?max=3 ${JSON.stringify({ retentionDays })}`;
}

/** The work itself: a plain function the task (or a test, or an admin script) calls. */
export async function runPruneEvents(sql: Sql, retentionDays: number, log: (line: string) => void): Promise<number> {
  const deleted = await pruneEvents(sql, { retentionDays });
  if (deleted > 0) log(`prune_events: deleted ${deleted} event(s) older than ${retentionDays} days.`);
  return deleted;
}

/** The graphile-worker task; `payload.retentionDays` defaults to 7 when the job was added by hand. */
export function pruneEventsTask(ctx: { sql: Sql; log(line: string): void }): Task {
  return async (payload) => {
    const days = (payload as { retentionDays?: unknown } | null)?.retentionDays;
    const retentionDays = typeof days === "number" && Number.isInteger(days) && days >= 1 ? days : 7;
    await runPruneEvents(ctx.sql, retentionDays, ctx.log);
  };
}
