/**
 * Scene Studio's entry point: `deno task start` runs the web server and the worker in one process
 * on the embedded Postgres; `--web-only` and `--worker-only` split them so several processes can
 * share one database.
 *
 * Supervision (core/system/supervisor.ts): the embedded Postgres this process started is restarted
 * on its port when it dies; in all-in-one mode the worker pool is restarted when it stops by
 * itself; both back off and log why. The web server keeps serving meanwhile (the API answers 503,
 * /readyz says what is down). A fault that does not heal exits with {@link EXIT.FAULT}, as does a
 * worker-only process whose worker stops, so that an outer supervisor restarts the process.
 */
import { createApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { type DatabaseHandle, openDatabase } from "./core/db/open.ts";
import { connect } from "./core/db/client.ts";
import { EventHub } from "./core/live/hub.ts";
import { ensureDemoProject } from "./core/domain/demo.ts";
import { migrate } from "./core/db/migrate.ts";
import { DEFAULT_RESTART_POLICY, Supervisor } from "./core/system/supervisor.ts";
import { watchLaunchers } from "./core/system/launcher.ts";
import { buildIslands } from "./islands_runtime/build.ts";
import { startWorker, type StudioWorker } from "./workers/runner.ts";

/** Exit statuses (README "Exit statuses"). */
const EXIT = {
  /** Stopped by Ctrl-C/SIGINT or SIGTERM. */
  STOPPED: 0,
  /** Could not start: a bad setting, the port in use, the database unreachable at start. */
  START_FAILED: 1,
  /** Unknown or conflicting command-line arguments. */
  USAGE: 2,
  /** A fault that did not heal (restarts used up), or a worker-only process's worker stopped. */
  FAULT: 75,
} as const;

const started = performance.now();
const args = new Set(Deno.args);
const unknown = [...args].filter((a) => !["--web-only", "--worker-only"].includes(a));
if (unknown.length || (args.has("--web-only") && args.has("--worker-only"))) {
  console.error(
    `Unknown or conflicting arguments: ${Deno.args.join(" ")}. Use --web-only or --worker-only (or neither).`,
  );
  Deno.exit(EXIT.USAGE);
}
const runWeb = !args.has("--worker-only");
const runWorker = !args.has("--web-only");

let config: Config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    Deno.exit(EXIT.START_FAILED);
  }
  throw err;
}

const log = (line: string) => console.log(line);
let stopping = false;

// The database: restarted on the same port when the embedded server this process runs dies.
let port: number | undefined;
const databases = new Supervisor<DatabaseHandle>({
  what: "The embedded Postgres",
  start: async () => {
    const handle = await openDatabase(config, log, { port });
    port ??= Number(new URL(handle.url).port);
    return handle;
  },
  log,
  onGiveUp: (reason) => fatal(reason),
});
const database = await databases.start().catch((error) => {
  console.error(`The database could not be started: ${(error as Error).message}`);
  Deno.exit(EXIT.START_FAILED);
});
const sql = connect(database.url);

let workers: Supervisor<StudioWorker> | undefined;
let server: Deno.HttpServer | undefined;
let hub: EventHub | undefined;
// From here on Ctrl-C stops whatever has started, the database last.
Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
// npx passes a SIGTERM on to a shell that drops it: follow the launcher out instead (core/system/launcher.ts).
watchLaunchers((why) => shutdown(why));
await migrate(sql, database.url);
if (runWeb) {
  const demoId = await ensureDemoProject(sql);
  if (demoId) log(`Created the demo project (id ${demoId}).`);
}

// The worker starts first, so that "ready" means jobs are being taken too.
if (runWorker) {
  // Pools of this process that stopped: their jobs are released before a new pool starts.
  const stoppedPools: string[] = [];
  const trackPool = (w: StudioWorker) => void w.stopped.then(() => stoppedPools.push(w.poolId));
  workers = new Supervisor<StudioWorker>({
    what: "The worker pool",
    start: () => startWorker({ sql, databaseUrl: database.url, config, log, releasePools: stoppedPools.splice(0) }),
    // A worker-only process leaves restarts to whatever runs it.
    policy: runWeb ? DEFAULT_RESTART_POLICY : { ...DEFAULT_RESTART_POLICY, maxFailures: 0 },
    log,
    onGiveUp: (reason) => fatal(reason),
    onRestart: trackPool,
  });
  const worker = await workers.start();
  trackPool(worker);
  log(
    `Worker ${worker.poolId} is taking image and video jobs (images: ${config.imageProvider}, videos: ${config.videoProvider}).`,
  );
}

if (runWeb) {
  // One LISTEN connection for this process, fanning out to every SSE client (core/live/hub.ts).
  hub = new EventHub({ sql, url: database.url, log });
  await hub.start();
  const islands = await buildIslands();
  if (islands.islands.length) {
    log(`Island bundle ${islands.url}: ${islands.gzipBytes} bytes gzipped (${islands.ms} ms).`);
  }
  const app = createApp({
    sql,
    config,
    hub,
    readiness: {
      worker: workers && (() => workers!.status()),
      embeddedPostgres: database.embedded ? () => databases.status() : undefined,
    },
  });
  try {
    server = serve(app.fetch);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    console.error(
      `Port ${config.port} on ${config.host} is already in use (another Scene Studio?): stop that program or set PORT to a free port.`,
    );
    await stopAll();
    Deno.exit(EXIT.START_FAILED);
  }
}

function serve(fetch: (request: Request) => Response | Promise<Response>): Deno.HttpServer {
  return Deno.serve({
    port: config.port,
    hostname: config.host,
    onListen: ({ hostname, port }) => {
      const shown = hostname === "0.0.0.0" || hostname === "127.0.0.1" ? "localhost" : hostname;
      log(
        `Scene Studio is ready at http://${shown}:${port}/ (started in ${Math.round(performance.now() - started)} ms).`,
      );
    },
  }, fetch);
}

/** Stops what runs, in order: live streams, then the web server and the worker, then the database. */
async function stopAll() {
  // End the SSE streams first (browsers reconnect to another process), or the server would wait on them.
  await hub?.stop();
  // The worker stops taking jobs and gives running ones SHUTDOWN_GRACE_MS while the server drains.
  await Promise.all([server?.shutdown(), workers?.stop()]);
  await sql.end({ timeout: 5 });
  await databases.stop();
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(signal.startsWith("SIG") ? `Received ${signal}: shutting down.` : `Shutting down: ${signal}.`);
  await stopWithin(30_000);
  log("Stopped.");
  Deno.exit(EXIT.STOPPED);
}

/** A fault that did not heal: stop what still runs and exit non-zero for an outer supervisor. */
async function fatal(reason: string) {
  if (stopping) return;
  stopping = true;
  console.error(`Stopping after a fault that did not heal: ${reason}`);
  await stopWithin(30_000);
  Deno.exit(EXIT.FAULT);
}

async function stopWithin(ms: number) {
  const force = setTimeout(() => {
    console.error(`Shutdown took longer than ${ms / 1000} seconds; exiting now.`);
    Deno.exit(EXIT.FAULT);
  }, ms);
  await stopAll();
  clearTimeout(force);
}
