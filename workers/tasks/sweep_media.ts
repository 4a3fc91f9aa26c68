/**
 * graphile-worker task `sweep_media`: deletes generated files no take refers to (media/sweep.ts),
 * hourly through {@link sweepMediaCrontab} and once at worker start-up. Idempotent.
 */
import type { Task } from "graphile-worker";
import type { Sql } from "../../core/db/client.ts";
import { sweepMedia } from "../../media/sweep.ts";

export const SWEEP_MEDIA_TASK = "sweep_media";

/** The crontab line: minute 41 of every hour, at most 3 attempts. */
export function sweepMediaCrontab(): string {
  return `41 * * * * ${SWEEP_MEDIA_TASK} ?max=3`;
}

/** The work itself: a plain function the task, the worker's start-up or an admin calls. */
export async function runSweepMedia(sql: Sql, dataDir: string, log: (line: string) => void): Promise<void> {
  const { files, folders } = await sweepMedia(sql, dataDir);
  if (files || folders) {
    log(`sweep_media: deleted ${files} unreferenced file(s) and ${folders} folder(s) of deleted scenes or projects.`);
  }
}

export function sweepMediaTask(ctx: { sql: Sql; dataDir: string; log(line: string): void }): Task {
  return async () => await runSweepMedia(ctx.sql, ctx.dataDir, ctx.log);
}
