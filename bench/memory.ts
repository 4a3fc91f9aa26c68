/**
 * Resident memory of `deno task start` (web server and worker in one process): idle, and after a
 * run of --sentences scenes (zero-time simulated provider, one live-update client connected), once
 * the app has settled again (--settle-ms); then after a second such run, to tell memory that keeps
 * growing from memory the first run warmed up once. Memory is VmRSS from /proc summed over the process tree that
 * `deno task start` spawns (the task runner and the app), Postgres excluded: the app is pointed at
 * a database of its own on DATABASE_URL's server (or a throwaway embedded one), not the embedded
 * server it would start itself.
 *
 *   deno run -A bench/memory.ts [--sentences=500] [--settle-ms=5000]
 */
import { parseArgs } from "node:util";
import { startRun } from "../core/engine/runs.ts";
import { freshDatabase } from "../tests/helpers/db.ts";
import { SseClient } from "../tests/helpers/sse.ts";
import { makeProject, waitFor } from "../tests/helpers/worker.ts";
import { benchLine } from "./bench_lines.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    sentences: { type: "string", default: "500" },
    // V8 gives memory back some seconds after the work, when its memory reducer runs: 10 s to a minute here.
    "settle-ms": { type: "string", default: "60000" },
  },
});
const N = Number(opts.sentences);
const SETTLE_MS = Number(opts["settle-ms"]);
const root = new URL("..", import.meta.url).pathname;

/** Pids of `pid` and all its descendants (from each process's parent in /proc/<pid>/stat). */
async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`).catch(() => "");
    // The command name is in parentheses and may hold spaces: the parent pid follows its closing one.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!ppid) continue;
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry.name)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

/** VmRSS in MB summed over the tree of `pid`, Postgres processes left out, and each process's share. */
async function residentMb(pid: number): Promise<{ total: number; processes: string[] }> {
  let total = 0;
  const processes: string[] = [];
  for (const p of await processTree(pid)) {
    const status = await Deno.readTextFile(`/proc/${p}/status`).catch(() => "");
    const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? "?";
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const anon = Number(/^RssAnon:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    if (name.startsWith("postgres") || kb === 0) continue;
    total += kb / 1024;
    processes.push(
      `${name} ${p}: ${(kb / 1024).toFixed(1)} MB (${(anon / 1024).toFixed(1)} anonymous, ${threads} threads)`,
    );
  }
  return { total, processes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const db = await freshDatabase("bench_memory");
const dataDir = await Deno.makeTempDir({ prefix: "studio-bench-memory-" });
const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
const port = (listener.addr as Deno.NetAddr).port;
listener.close();
const app = new Deno.Command(Deno.execPath(), {
  args: ["task", "start"],
  cwd: root,
  env: {
    DATABASE_URL: db.url,
    PORT: String(port),
    STUDIO_DATA_DIR: dataDir,
    IMAGE_PROVIDER: "simulated",
    VIDEO_PROVIDER: "simulated",
    SIMULATED_IMAGE_MS: "0",
    SIMULATED_VIDEO_MS: "0",
  },
  stdout: "null",
  stderr: "inherit",
}).spawn();
const base = `http://127.0.0.1:${port}`;
try {
  await waitFor(
    "the app to answer /readyz",
    async () => {
      const res = await fetch(`${base}/readyz`).catch(() => null);
      await res?.body?.cancel();
      return res?.status === 200;
    },
    120_000,
    100,
  );
  await sleep(SETTLE_MS);
  const idle = await residentMb(app.pid);
  console.log(`Idle: ${idle.total.toFixed(1)} MB (${idle.processes.join(", ")})`);

  /** One run of N new scenes with a live-update client, then settling; the peak and settled memory. */
  const runOnce = async (label: string) => {
    const { projectId } = await makeProject(db.sql, N, { title: `Memory benchmark, ${label}` });
    const client = await SseClient.connect(`${base}/api/v1/projects/${projectId}/events`);
    const started = performance.now();
    const { run } = await startRun(db.sql, projectId, { maxAttempts: 3 });
    let peak = 0;
    await waitFor(
      "the run and its thumbnails to finish",
      async () => {
        peak = Math.max(peak, (await residentMb(app.pid)).total);
        const [r] = await db.sql`select status from scene_runs where id = ${run.id}`;
        if (r.status === "active") return false;
        const [{ jobs }] = await db.sql`select count(*)::int as jobs from graphile_worker.jobs`;
        return jobs === 0;
      },
      600_000,
      250,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`The ${label} (${N} scenes) took ${seconds} s; ${client.events.length} events streamed.`);
    await client.close();
    // Sampled as it settles: V8 gives memory back to the system only some seconds after the work.
    const step = Math.min(5000, SETTLE_MS);
    const samples: string[] = [];
    for (let waited = 0; waited < SETTLE_MS; waited += step) {
      await sleep(step);
      samples.push((await residentMb(app.pid)).total.toFixed(1));
    }
    const after = await residentMb(app.pid);
    console.log(`  peak ${peak.toFixed(1)} MB; settling: ${samples.join(", ")} MB (every ${step / 1000} s)`);
    console.log(`  settled: ${after.total.toFixed(1)} MB (${after.processes.join(", ")})`);
    return { peak, after };
  };
  const first = await runOnce("first run");
  // A second run tells growth that stays (a leak) from code and caches warmed once by the first.
  const second = await runOnce("second run");
  const peak = Math.max(first.peak, second.peak);
  const after = first.after;
  benchLine("memory_idle_mb", idle.total, "MB");
  benchLine("memory_peak_run_mb", peak, "MB");
  benchLine("memory_after_run_mb", after.total, "MB");
  benchLine("memory_after_run_ratio", after.total / idle.total, "x");
  benchLine("memory_after_second_run_mb", second.after.total, "MB");
} finally {
  for (const pid of (await processTree(app.pid)).reverse()) {
    try {
      Deno.kill(pid, "SIGTERM");
    } catch { /* already gone */ }
  }
  await app.status;
  await db.drop();
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
Deno.exit(0);
