/**
 * Task `admin_action`: what an admin asked for from SQL (migrations/010_admin.sql, the
 * `studio_admin.*` functions), carried out with the app's own operations — the ones the API and
 * the worker use — so every invariant holds. Payload `{action, …}`; see docs/admin-sql.md.
 */
import type { Task } from "graphile-worker";
import type { Config } from "../../config.ts";
import type { Sql } from "../../core/db/client.ts";
import { unlockDeadWorkers } from "../../core/engine/heartbeats.ts";
import { reconcile } from "../../core/engine/recovery.ts";
import { runSettings } from "../../core/engine/run_settings.ts";
import { cancelRun, retryFailed } from "../../core/engine/runs.ts";
import { pruneTakes } from "../../core/engine/takes.ts";
import { pruneEvents } from "../../core/live/retention.ts";
import { discardMediaFile, mediaPath } from "../../media/store.ts";

export const ADMIN_ACTION_TASK = "admin_action";

/** Runs one admin action; returns a line for the log. Throws for an action it does not know. */
export async function runAdminAction(
  ctx: { sql: Sql; config: Config },
  payload: Record<string, unknown>,
): Promise<string> {
  const { sql, config } = ctx;
  const number = (key: string) => {
    const value = Number(payload[key]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`The admin action needs a number "${key}".`);
    return value;
  };
  switch (payload.action) {
    case "cancel_run": {
      const { cancelled } = await cancelRun(sql, number("projectId"));
      return `cancelled ${cancelled} part(s) of project ${payload.projectId}`;
    }
    case "retry_failed": {
      const { run } = await retryFailed(sql, number("projectId"), runSettings(config));
      return `queued the failed parts of project ${payload.projectId} again in run ${run.id}`;
    }
    case "release_dead_workers": {
      const dead = await unlockDeadWorkers(sql, config.workerDeadAfterMs, config.workerHeartbeatMs);
      const report = await reconcile(sql, runSettings(config));
      return `released ${dead.length} dead worker(s); reconciliation ${JSON.stringify(report)}`;
    }
    case "prune_runs": {
      const seconds = number("olderThanSeconds");
      const deleted = await sql.begin(async (tx) => {
        const runs = await tx<{ id: number }[]>`
          select id from scene_runs
          where status <> 'active' and coalesce(finished_at, started_at) < now() - ${seconds} * interval '1 second'`;
        const ids = runs.map((r) => r.id);
        await tx`delete from events where run_id = any(${ids}::int[])`;
        await tx`delete from scene_runs where id = any(${ids}::int[])`;
        return ids.length;
      });
      return `deleted ${deleted} ended run(s)`;
    }
    case "prune_events": {
      const deleted = await pruneEvents(sql, { retentionDays: number("olderThanSeconds") / 86_400 });
      return `deleted ${deleted} event(s)`;
    }
    case "prune_takes": {
      const files = await pruneTakes(sql, number("keep"));
      await Promise.all(files.map((path) => discardMediaFile(mediaPath(config.dataDir, path))));
      return `deleted ${files.length} file(s) of older takes`;
    }
    default:
      throw new Error(`There is no admin action ${JSON.stringify(payload.action)}.`);
  }
}

export function adminActionTask(ctx: { sql: Sql; config: Config; log(line: string): void }): Task {
  return async (payload) => {
    const line = await runAdminAction(ctx, (payload ?? {}) as Record<string, unknown>);
    ctx.log(`Admin action: ${line}.`);
  };
}
