/**
 * Helpers of the fault suite (tests/faults/): app processes to kill, the database's view of a run
 * in one place ({@link partsOf}, ready to port when parts move to their own table), and the checks
 * every fault trial ends with ({@link assertRunClean}).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import type { Sql } from "../../core/db/client.ts";
import { mediaPath } from "../../media/store.ts";
import { validateMediaFile } from "../../media/validate.ts";
import { assertInvariants } from "./invariants.ts";
import { TEST_ENV } from "./worker.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** The application_name of the test's own connections: fault injection leaves them alone. */
export const OBSERVER = "fault-observer";

/** A connection pool for the test itself, which {@link terminateAppBackends} never terminates. */
export function observe(url: string): Sql {
  return postgres(url, { max: 4, onnotice: () => {}, connection: { application_name: OBSERVER } });
}

/** Terminates every backend of database `name` but the observer's; returns how many. */
export async function terminateAppBackends(sql: Sql, name: string): Promise<number> {
  const rows = await sql`
    select pg_terminate_backend(pid) from pg_stat_activity
    where datname = ${name} and pid <> pg_backend_pid() and application_name <> ${OBSERVER}`;
  return rows.length;
}

/** One scene part as the fault checks see it. */
export interface PartRow {
  sentenceId: number;
  part: "image" | "video";
  status: string;
  /** The current take's file, relative to the media folder. */
  path: string | null;
  attempts: number;
  error: string | null;
}

/** Every image and video part of a project, with its current take's file (part_states). */
export async function partsOf(sql: Sql, projectId: number): Promise<PartRow[]> {
  return await sql<PartRow[]>`
    select p.sentence_id as "sentenceId", p.kind as part, p.status, p.path, p.attempts, p.error
    from part_states p
    where p.project_id = ${projectId} and p.kind in ('image', 'video')
    order by p.sentence_id, p.kind`;
}

/** Every media file a take of the project refers to (its file and its thumbnail). */
async function takeFiles(sql: Sql, projectId: number): Promise<Set<string>> {
  const rows = await sql<{ path: string }[]>`
    select t.path from takes t join sentences s on s.id = t.sentence_id where s.project_id = ${projectId}
    union all
    select t.thumb_path from takes t join sentences s on s.id = t.sentence_id
    where s.project_id = ${projectId} and t.thumb_path is not null`;
  return new Set(rows.map((r) => r.path));
}

/** How many times each part of a project turned `done` (from the events table), keyed "image:12". */
export async function doneCounts(sql: Sql, projectId: number): Promise<Map<string, number>> {
  const rows = await sql<{ key: string; n: number }[]>`
    select (data->>'part') || ':' || (data->>'sentenceId') as key, count(*)::int as n
    from events where project_id = ${projectId} and type = 'scene.updated' and data->>'status' = 'done'
    group by 1`;
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** The id of the project's newest event (0 before any). */
export async function lastEventId(sql: Sql, projectId: number): Promise<number> {
  const [row] = await sql<{ id: string | null }[]>`select max(id) as id from events where project_id = ${projectId}`;
  return Number(row.id ?? 0);
}

/** Waits for the next part to turn done after event `afterId`; returns the ms waited. */
export async function msToProgress(sql: Sql, projectId: number, afterId: number, timeoutMs = 60_000) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const [row] = await sql`
      select 1 from events where project_id = ${projectId} and id > ${afterId}
        and type = 'scene.updated' and data->>'status' = 'done' limit 1`.catch(() => []);
    if (row) return Math.round(performance.now() - started);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`No part was done within ${timeoutMs} ms.`);
}

/** What a finished trial found. */
export interface RunReport {
  parts: number;
  lost: number;
  duplicated: number;
  stuck: number;
  corrupt: number;
  /** Media files no done part refers to (left by killed attempts; swept by the engine later). */
  orphans: number;
}

/**
 * The checks after every trial: each part done exactly once (one `done` event), its file present
 * and valid (media/validate.ts, videos decoded), nothing queued/running/locked (the engine
 * invariants, quiescent). Returns the figures for the closing note.
 */
export async function assertRunClean(sql: Sql, projectId: number, dataDir: string): Promise<RunReport> {
  const parts = await partsOf(sql, projectId);
  const done = await doneCounts(sql, projectId);
  const report: RunReport = { parts: parts.length, lost: 0, duplicated: 0, stuck: 0, corrupt: 0, orphans: 0 };
  const problems: string[] = [];
  const referenced = new Set<string>();
  for (const p of parts) {
    const key = `${p.part}:${p.sentenceId}`;
    if (p.status === "queued" || p.status === "running") (report.stuck++, problems.push(`${key} is ${p.status}`));
    else if (p.status !== "done") (report.lost++, problems.push(`${key} is ${p.status}: ${p.error}`));
    if ((done.get(key) ?? 0) > 1) (report.duplicated++, problems.push(`${key} was done ${done.get(key)} times`));
    if (p.status !== "done") continue;
    if (!p.path) {
      report.corrupt++;
      problems.push(`${key} is done without a file`);
      continue;
    }
    referenced.add(p.path);
    const problem = await validateMediaFile(mediaPath(dataDir, p.path), p.part).catch((e) => String(e));
    if (problem) (report.corrupt++, problems.push(`${key}: ${problem}`));
  }
  const kept = await takeFiles(sql, projectId);
  report.orphans = (await mediaFiles(`${dataDir}/media`)).filter((f) => !referenced.has(f) && !kept.has(f)).length;
  assert.deepEqual(problems, [], `the run is not clean:\n- ${problems.join("\n- ")}`);
  await assertInvariants(sql, { quiescent: true });
  return report;
}

async function mediaFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(`${root}/${prefix}`)) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory) out.push(...await mediaFiles(root, rel));
      else out.push(rel);
    }
  } catch {
    // No media folder yet.
  }
  return out;
}

/** An app process (`main.ts`, all-in-one unless `args` say otherwise). */
export interface AppProcess {
  child: Deno.ChildProcess;
  port: number;
  output(): string;
  /** Resolves once the app said it is ready (or, worker-only, is taking jobs). */
  ready(timeoutMs?: number): Promise<void>;
  status: Promise<Deno.CommandStatus>;
  /** Whether it has exited. */
  exited(): boolean;
}

/** Starts main.ts with the engine's test settings; `env` adds or overrides (DATABASE_URL, STUDIO_DATA_DIR …). */
export function spawnApp(env: Record<string, string>, args: string[] = []): AppProcess {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const fullEnv: Record<string, string> = { ...Deno.env.toObject(), ...TEST_ENV, PORT: String(port), ...env };
  if (!env.DATABASE_URL) delete fullEnv.DATABASE_URL;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", MAIN, ...args],
    env: fullEnv,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let done = false;
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    done = true;
    await pumps.catch(() => {});
    return s;
  });
  return {
    child,
    port,
    output: () => text,
    status,
    exited: () => done,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const readyLine = args.includes("--worker-only") ? /is taking image, video/ : /Scene Studio is ready/;
      while (!readyLine.test(text)) {
        if (done) throw new Error(`The app exited before it was ready:\n${text}`);
        if (Date.now() > deadline) throw new Error(`The app was not ready within ${timeoutMs} ms:\n${text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** Kills a process if it still runs and waits for it. */
export async function killApp(app: AppProcess, signal: Deno.Signal = "SIGKILL"): Promise<void> {
  try {
    app.child.kill(signal);
  } catch { /* gone */ }
  await app.status;
}

/** Prints one figure line of the suite (collected by the closing note). */
export function reportFigures(trial: string, figures: Record<string, unknown>): void {
  console.log(`fault figures | ${trial} | ${JSON.stringify(figures)}`);
}
