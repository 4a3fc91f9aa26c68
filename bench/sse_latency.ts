/**
 * Live-update latency: the delay from a transaction's commit to an SSE client having parsed the
 * event, with many clients connected to one web process.
 *
 * The web process (event hub + app on Deno.serve) and the writer run here; the clients run in a
 * child process (so their parsing does not compete with the server for this event loop), all on
 * the same machine. Times are wall-clock (`performance.timeOrigin + performance.now()`), which both
 * processes share. "Commit" is the moment the writer's `sql.begin()` resolved, i.e. COMMIT was
 * acknowledged; "received" is the moment a client's parser dispatched the event.
 *
 * Two phases: `paced` writes one event every --interval ms (a run's normal rhythm); `burst` writes
 * --burst events back to back from 4 concurrent writers (overlapping transactions, which the hub
 * holds back until they are all committed, so ids stay in order).
 *
 * Memory per connected client: the web process's resident memory with the clients connected, less
 * before they connected, divided by their number.
 *
 * The clients connect through the connection guard (server/connection_guard.ts) as in `deno task
 * start`, where every byte to a client passes the guard's TCP pipe; --guard=false connects them to
 * Deno.serve directly.
 *
 * Options: --clients=200 --events=200 --interval=20 --burst=200. Uses DATABASE_URL, or a throwaway
 * embedded Postgres.
 */
import { parseArgs } from "node:util";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { EventHub } from "../core/live/hub.ts";
import { startEmbeddedPostgres } from "../core/db/embedded_postgres.ts";
import { recordEvent } from "../tests/helpers/live.ts";
import { createProject } from "../core/domain/projects.ts";
import { freshDatabase } from "../tests/helpers/db.ts";
import { SseClient } from "../tests/helpers/sse.ts";
import { startConnectionGuard } from "../server/connection_guard.ts";
import { benchLine } from "./bench_lines.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "200" },
    events: { type: "string", default: "200" },
    interval: { type: "string", default: "20" },
    burst: { type: "string", default: "200" },
    role: { type: "string", default: "main" },
    url: { type: "string", default: "" },
    expect: { type: "string", default: "0" },
    guard: { type: "string", default: "true" },
  },
});
const now = () => performance.timeOrigin + performance.now();

if (opts.role === "clients") await clientsRole();
else await withDatabaseServer(mainRole);

/**
 * Runs `fn` with DATABASE_URL set: the given one, or a throwaway embedded server that is stopped
 * whatever happens (freshDatabase's own fallback only stops it on a clean exit).
 */
async function withDatabaseServer(fn: () => Promise<void>) {
  if (Deno.env.get("DATABASE_URL")) return await fn();
  const dir = await Deno.makeTempDir({ prefix: "studio-bench-" });
  await Deno.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres(`${dir}/postgres`, { log: () => {} });
  Deno.env.set("DATABASE_URL", pg.url);
  try {
    await fn();
  } finally {
    await pg.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Child process: N clients; prints "ready", then one JSON line of receipts per client. */
async function clientsRole() {
  const n = Number(opts.clients);
  const expect = Number(opts.expect);
  const clients = await Promise.all(Array.from({ length: n }, () => SseClient.connect(opts.url)));
  console.log("ready");
  // Polled, not awaited per event: a waiter per client and event would cost this process more
  // than the parsing it measures.
  const deadline = performance.now() + 120_000;
  while (clients.some((c) => c.events.length < expect && !c.closed) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const receipts = clients.map((c) => c.events.map((e) => [Number(e.id), performance.timeOrigin + e.at]));
  console.log(JSON.stringify(receipts));
  await Promise.all(clients.map((c) => c.close()));
}

async function mainRole() {
  const N = Number(opts.clients);
  const E = Number(opts.events);
  const INTERVAL = Number(opts.interval);
  const BURST = Number(opts.burst);
  const db = await retry(() => freshDatabase("bench_sse"));
  const hub = new EventHub({ sql: db.sql, url: db.url });
  await hub.start();
  const app = createApp({
    sql: db.sql,
    config: loadConfig({
      STUDIO_DATA_DIR: "/nonexistent",
      SSE_MAX_STREAMS: "10000",
      SSE_MAX_STREAMS_PER_CLIENT: "10000",
    }),
    hub,
  });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const { id: projectId } = await createProject(db.sql, { title: "Bench", script: "One sentence." });
  const guard = opts.guard === "false" ? null : startConnectionGuard({
    hostname: "127.0.0.1",
    port: 0,
    upstreamPort: server.addr.port,
    headersTimeoutMs: 10_000,
    idleTimeoutMs: 60_000,
    maxConnections: 10_000,
    maxConnectionsPerClient: 10_000,
  });
  const port = guard ? guard.addr.port : server.addr.port;
  const url = `http://127.0.0.1:${port}/api/v1/projects/${projectId}/events`;

  // Warm the route (JIT, the first stream's allocations), then the baseline for memory per client.
  await (await fetch(url)).body?.cancel();
  await new Promise((r) => setTimeout(r, 300));
  const rssBefore = Deno.memoryUsage().rss;
  const cpuBefore = await cpuMs(Deno.pid);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--role=clients",
      `--clients=${N}`,
      `--url=${url}`,
      `--expect=${E + BURST}`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = readLines(child.stdout);
  if ((await lines.next()).value !== "ready") throw new Error("the client process did not start");
  while (hub.stats().subscribers < N) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300));
  const perClientKb = (Deno.memoryUsage().rss - rssBefore) / N / 1024;

  // Data about as big as a scene.updated event.
  const data = (i: number) => ({
    sentenceId: 1,
    part: "image",
    status: "done",
    url: `/media/projects/1/sentences/1/image-${i}.png`,
    error: null,
    attempts: 1,
  });
  const committed = new Map<number, { at: number; phase: "paced" | "burst" }>();
  const write = async (i: number, phase: "paced" | "burst") => {
    const id = await db.sql.begin((tx) =>
      recordEvent(tx, { projectId, runId: null, type: "scene.updated", data: data(i) })
    ) as number;
    committed.set(id, { at: now(), phase });
  };
  for (let i = 0; i < E; i++) {
    await write(i, "paced");
    await new Promise((r) => setTimeout(r, INTERVAL));
  }
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < BURST) await write(E + next++, "burst");
  }));

  const cpuServer = (await cpuMs(Deno.pid)) - cpuBefore;
  const cpuClients = await cpuMs(child.pid);
  const receipts: [number, number][][] = JSON.parse((await lines.next()).value as string);
  await child.status;
  const delays: Record<"paced" | "burst", number[]> = { paced: [], burst: [] };
  /** Per event, the first client to get it: the database → hub part, without the fan-out. */
  const first = new Map<number, number>();
  let missing = 0;
  for (const client of receipts) {
    const seen = new Set<number>();
    let last = 0;
    for (const [id, at] of client) {
      if (seen.has(id) || id <= last) throw new Error(`client got event ${id} twice or out of order`);
      seen.add(id);
      last = id;
      const c = committed.get(id);
      if (c) {
        delays[c.phase].push(at - c.at);
        first.set(id, Math.min(first.get(id) ?? Infinity, at - c.at));
      }
    }
    missing += committed.size - seen.size;
  }
  console.log(
    `SSE latency, commit → client parsed the event, ${N} clients on one web process${
      guard ? " through the connection guard" : ""
    } (Postgres ${await pgVersion(
      db.sql,
    )}, Deno ${Deno.version.deno}):`,
  );
  for (const phase of ["paced", "burst"] as const) {
    const d = delays[phase].sort((a, b) => a - b);
    if (!d.length) continue;
    const events = phase === "paced" ? `${E} events, one every ${INTERVAL} ms` : `${BURST} events, 4 writers flat out`;
    console.log(
      `  ${phase.padEnd(5)} (${events}, ${d.length} deliveries): median ${fmt(q(d, 0.5))} ms, p95 ${
        fmt(q(d, 0.95))
      } ms, ` +
        `p99 ${fmt(q(d, 0.99))} ms, max ${fmt(d.at(-1)!)} ms`,
    );
    const f = [...first].filter(([id]) => committed.get(id)?.phase === phase).map(([, ms]) => ms).sort((a, b) => a - b);
    console.log(`        first client per event: median ${fmt(q(f, 0.5))} ms, p99 ${fmt(q(f, 0.99))} ms`);
    benchLine(`sse_${phase}_median_ms`, q(d, 0.5), "ms");
    benchLine(`sse_${phase}_p99_ms`, q(d, 0.99), "ms");
  }
  console.log(`  memory per connected client: ${fmt(perClientKb)} KB (web process resident memory)`);
  benchLine("sse_clients", N, "clients");
  benchLine("sse_memory_per_client_kb", perClientKb, "KB");
  benchLine("sse_missing_deliveries", missing, "deliveries");
  const deliveries = N * (E + BURST);
  console.log(
    `  CPU: web process and writer ${fmt(cpuServer)} ms (${fmt((cpuServer * 1000) / deliveries)} µs per delivery), ` +
      `client process ${fmt(cpuClients)} ms; load average ${Deno.loadavg().map((l) => l.toFixed(1)).join(" ")}`,
  );
  benchLine("sse_server_cpu_us_per_delivery", (cpuServer * 1000) / deliveries, "us");
  const stats = hub.stats();
  console.log(
    `  missing deliveries: ${missing}; hub read passes: ${stats.passes}, of which ${stats.heldPasses} found another transaction writing events`,
  );
  await hub.stop();
  guard?.stopAccepting();
  guard?.closeAll();
  await server.shutdown();
  await db.drop();
}

/** The embedded server can still be "starting up" when its port first accepts: try again briefly. */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 20 || !/starting up/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function q(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
function fmt(ms: number): string {
  return ms.toFixed(1);
}
async function pgVersion(sql: Awaited<ReturnType<typeof freshDatabase>>["sql"]): Promise<string> {
  const [{ v }] = await sql`select current_setting('server_version') as v`;
  return v;
}
/** CPU time (user + system) process `pid` has used so far, in ms (from /proc/<pid>/stat). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name; clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
    }
  }
  if (buffer) yield buffer;
}
