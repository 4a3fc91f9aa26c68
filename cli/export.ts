/**
 * `main.ts export PROJECT`: queues an export of the project with the function
 * POST /api/v1/projects/:id/exports uses (core/exports/exports.ts), then waits for a worker to
 * render it, printing its progress and the MP4's path. With no live worker (no fresh heartbeat),
 * or with `--detach`, it says how to follow the export instead of waiting.
 */
import type { Config } from "../config.ts";
import type { Sql } from "../core/db/client.ts";
import { ConflictError, NotFoundError } from "../core/domain/errors.ts";
import { getExport, requestExport } from "../core/exports/exports.ts";
import { mediaPath } from "../media/store.ts";
import type { ExportView } from "../core/types.ts";
import { CommandError, withDatabase } from "./database.ts";
import { PROGRAM } from "./args.ts";

/** What the command was asked. */
export interface ExportOptions {
  placeholders: boolean;
  burnIn: boolean;
  detach: boolean;
  /** How often to look at the export while waiting. */
  pollMs?: number;
}

/** Queues (or joins) the project's export and follows it; CommandError when it cannot or it fails. */
export async function exportCommand(
  config: Config,
  project: string,
  options: ExportOptions,
  out: (line: string) => void,
  log: (line: string) => void,
) {
  const projectId = Number(project);
  if (!/^\d{1,9}$/.test(project) || projectId < 1) {
    throw new CommandError(`"${project}" is not a project id: give the number from the project's address.`);
  }
  await withDatabase(config, log, async (sql) => {
    let requested;
    try {
      requested = await requestExport(sql, projectId, {
        placeholders: options.placeholders,
        captions: { burnIn: options.burnIn },
      }, { maxAttempts: config.maxAttempts });
    } catch (error) {
      if (error instanceof NotFoundError) throw new CommandError(error.message);
      if (error instanceof ConflictError) {
        throw new CommandError(`${error.message} (--placeholders exports them as title cards.)`);
      }
      throw error;
    }
    const view = requested.export;
    out(
      requested.created
        ? `Queued export ${view.id} of project ${projectId}.`
        : `Export ${view.id} of project ${projectId} is already ${view.status}; following it.`,
    );
    const follow = `Follow it with: deno run -A ${PROGRAM} status ${projectId}`;
    if (options.detach) return out(follow);
    if (!await workerAlive(sql, config.workerDeadAfterMs)) {
      return out(`No worker is running to render it: start one (deno run -A ${PROGRAM} serve, or worker). ${follow}`);
    }
    const final = await waitForExport(sql, view.id, options.pollMs ?? 500, out);
    if (final.status !== "done") {
      throw new CommandError(`Export ${final.id} ${final.status}${final.error ? `: ${final.error}` : "."}`);
    }
    const [row] = await sql<{ mp4_path: string }[]>`select mp4_path from exports where id = ${final.id}`;
    out(`Export ${final.id} is done: ${mediaPath(config.dataDir, row.mp4_path)}`);
  });
}

/** Whether any worker wrote a heartbeat within `deadAfterMs`. */
async function workerAlive(sql: Sql, deadAfterMs: number): Promise<boolean> {
  const [row] = await sql`
    select 1 from worker_heartbeats where last_seen_at > now() - ${deadAfterMs} * interval '1 millisecond' limit 1`;
  return row !== undefined;
}

/** Polls the export until it ends, printing each tenth of progress. */
async function waitForExport(sql: Sql, id: number, pollMs: number, out: (line: string) => void): Promise<ExportView> {
  let shown = -1;
  while (true) {
    const view = await getExport(sql, id);
    if (["done", "failed", "cancelled"].includes(view.status)) return view;
    const tenth = Math.floor(view.progress * 10);
    if (view.status === "running" && tenth > shown) {
      shown = tenth;
      out(`Rendering: ${tenth * 10}%`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
