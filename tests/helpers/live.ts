/**
 * Helpers for the live-update tests: a web process in miniature (event hub + app on a real
 * Deno.serve port), a project to watch, and events written the way the engine writes them.
 */
import { createApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import type { Sql, Tx } from "../../core/db/client.ts";
import { EventHub, type EventHubOptions } from "../../core/live/hub.ts";
import { appendEvents } from "../../core/live/events.ts";
import { createProject } from "../../core/domain/projects.ts";
import type { EventType } from "../../core/types.ts";
import type { TestDatabase } from "./db.ts";

export interface WebProcess {
  hub: EventHub;
  server: Deno.HttpServer<Deno.NetAddr>;
  /** http://127.0.0.1:port */
  base: string;
  eventsUrl(projectId: number, query?: string): string;
  /** Stops the hub (ending every stream), then the server. */
  close(): Promise<void>;
}

/** Starts a hub and serves the app on a free port, like one `--web-only` process. */
export async function startWeb(
  db: TestDatabase,
  options: Partial<EventHubOptions> & { url?: string } = {},
): Promise<WebProcess> {
  const hub = new EventHub({ sql: db.sql, url: options.url ?? db.url, watchdogMs: 1000, ...options });
  await hub.start();
  const config = loadConfig({ STUDIO_DATA_DIR: "/nonexistent-test-data", PORT: "0" });
  const app = createApp({ sql: db.sql, config, hub });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    hub,
    server,
    base,
    eventsUrl: (projectId, query) => `${base}/api/v1/projects/${projectId}/events${query ? `?${query}` : ""}`,
    async close() {
      await hub.stop();
      await server.shutdown();
    },
  };
}

/** A project with `sentences` sentences; returns its id and sentence ids. */
export async function makeProject(
  sql: Sql,
  sentences = 3,
  title = "Live",
): Promise<{ id: number; sentenceIds: number[] }> {
  const script = Array.from({ length: sentences }, (_, i) => `Sentence number ${i + 1}.`).join(" ");
  const { id } = await createProject(sql, { title, script });
  const rows = await sql<{ id: number }[]>`select id from sentences where project_id = ${id} order by id`;
  return { id, sentenceIds: rows.map((r) => r.id) };
}

/** Writes one event in its own transaction, like a state change would. Returns its id. */
export function emit(
  sql: Sql,
  projectId: number,
  type: EventType = "scene.updated",
  data: Record<string, unknown> = {},
): Promise<number> {
  return sql.begin((tx) => recordEvent(tx, { projectId, runId: null, type, data })) as Promise<number>;
}

/**
 * The events of a whole simulated run of `sentenceIds`, in the order the engine produces them:
 * run.started; per sentence image queued→running→done then video queued→running→done, with a
 * run.progress after each finished scene; run.completed.
 */
export function simulatedRunEvents(sentenceIds: number[]): { type: EventType; data: Record<string, unknown> }[] {
  const out: { type: EventType; data: Record<string, unknown> }[] = [];
  const summary = (finished: number, status: string) => ({
    status,
    totalScenes: sentenceIds.length,
    finishedScenes: finished,
    failedScenes: 0,
    cancelledScenes: 0,
    images: { done: finished, total: sentenceIds.length },
    videos: { done: finished, total: sentenceIds.length },
    failed: [],
  });
  out.push({ type: "run.started", data: summary(0, "active") });
  sentenceIds.forEach((sentenceId, i) => {
    for (const part of ["image", "video"] as const) {
      for (const status of ["queued", "running", "done"] as const) {
        out.push({
          type: "scene.updated",
          data: {
            sentenceId,
            part,
            status,
            url: status === "done" ? `/media/${part}-${sentenceId}.${part === "image" ? "png" : "mp4"}` : null,
            error: null,
            attempts: status === "queued" ? 0 : 1,
          },
        });
      }
    }
    out.push({ type: "run.progress", data: summary(i + 1, "active") });
  });
  out.push({ type: "run.completed", data: summary(sentenceIds.length, "completed") });
  return out;
}

/** Polls `predicate` until it holds (for state that has no event to wait on). */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition") {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The steps (`"image:queued"`, …) one scene's parts went through, in event order, from both
 * `scene.updated` (one part) and `scenes.updated` (one change to many scenes) events; progress
 * reports are left out.
 */
export function sceneSteps(events: { type: string; data: Record<string, unknown> }[], sentenceId: number): string[] {
  const steps: string[] = [];
  for (const e of events) {
    if (e.type === "scene.updated" && e.data.sentenceId === sentenceId && e.data.progress === undefined) {
      steps.push(`${e.data.part}:${e.data.status}`);
    } else if (e.type === "scenes.updated" && (e.data.sentenceIds as number[]).includes(sentenceId)) {
      steps.push(`${e.data.part}:${e.data.status}`);
    }
  }
  return steps;
}

/** Appends one event inside `tx` (as the engine does) and returns its id. */
export async function recordEvent(
  tx: Tx | Sql,
  event: { projectId: number; runId: number | null; type: EventType; data: Record<string, unknown> },
): Promise<number> {
  const [id] = await appendEvents(tx, event.projectId, event.runId, [{ type: event.type, data: event.data }]);
  return id;
}
