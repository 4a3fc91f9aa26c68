/**
 * Retention of the live-update event log. Events exist so that a reconnecting browser can catch up;
 * after a few days nobody will, so the hourly `prune_events` task deletes older ones. Deletes go in
 * small batches, each its own short transaction: a long DELETE would hold a write lock on `events`,
 * and the event hub holds live delivery back while any transaction holds one (see hub.ts).
 */
import type { Sql } from "../db/client.ts";

export interface PruneOptions {
  /** Events created more than this many days ago are deleted (fractions allowed). */
  retentionDays: number;
  /** Rows per DELETE (default 5000). */
  batchSize?: number;
}

/** Deletes events older than the retention period; returns how many were deleted. */
export async function pruneEvents(sql: Sql, options: PruneOptions): Promise<number> {
  if (!(options.retentionDays > 0)) throw new RangeError("retentionDays must be positive.");
  const batch = options.batchSize ?? 5000;
  let deleted = 0;
  for (;;) {
    // Ids grow with time, so the oldest rows come first through the primary key.
    const result = await sql`
      delete from events where id in (
        select id from events
        where created_at < now() - ${options.retentionDays * 86_400} * interval '1 second'
        order by id limit ${batch})`;
    deleted += result.count;
    if (result.count < batch) return deleted;
  }
}
