/**
 * Scene Studio's entry point: `deno task start` runs the web server and the worker in one process
 * on the embedded Postgres; `--web-only` and `--worker-only` split them so several processes can
 * share one database.
 */
import { createApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./core/db/open.ts";
import { connect } from "./core/db/client.ts";
import { EventHub } from "./core/live/hub.ts";
import { ensureDemoProject } from "./core/domain/demo.ts";
import { migrate } from "./core/db/migrate.ts";
import { buildIslands } from "./islands_runtime/build.ts";
import { startWorker, type StudioWorker } from "./workers/runner.ts";

const started = performance.now();
const args = new Set(Deno.args);
const unknown = [...args].filter((a) => !["--web-only", "--worker-only"].includes(a));
if (unknown.length || (args.has("--web-only") && args.has("--worker-only"))) {
  console.error(
    `Unknown or conflicting arguments: ${Deno.args.join(" ")}. Use --web-only or --worker-only (or neither).`,
  );
  Deno.exit(2);
}
const runWeb = !args.has("--worker-only");
const runWorker = !args.has("--web-only");

let config: Config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    Deno.exit(1);
  }
  throw err;
}

const log = (line: string) => console.log(line);
const database = await openDatabase(config, log);
const sql = connect(database.url);
let worker: StudioWorker | undefined;
let server: Deno.HttpServer | undefined;
let hub: EventHub | undefined;
let stopping = false;
// From here on Ctrl-C stops whatever has started, the database last.
Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
await migrate(sql, database.url);
if (runWeb) {
  const demoId = await ensureDemoProject(sql);
  if (demoId) log(`Created the demo project (id ${demoId}).`);
}

// The worker starts first, so that "ready" means jobs are being taken too.
if (runWorker) {
  worker = await startWorker({ sql, databaseUrl: database.url, config, log });
  log(
    `Worker ${worker.poolId} is taking image, video, narration and export jobs (images: ${config.imageProvider}, videos: ${config.videoProvider}, narration: ${config.audio.provider}).`,
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
  const app = createApp({ sql, config, hub });
  try {
    server = serve(app.fetch);
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    console.error(
      `Port ${config.port} on ${config.host} is already in use (another Scene Studio?): stop that program or set PORT to a free port.`,
    );
    await stopAll();
    Deno.exit(1);
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
  await Promise.all([server?.shutdown(), worker?.stop()]);
  await sql.end({ timeout: 5 });
  await database.stop();
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`Received ${signal}: shutting down.`);
  const force = setTimeout(() => {
    console.error("Shutdown took longer than 30 seconds; exiting now.");
    Deno.exit(1);
  }, 30_000);
  await stopAll();
  clearTimeout(force);
  log("Stopped.");
  Deno.exit(0);
}
worker?.stopped.then(() => {
  if (!stopping) shutdown("the worker's unexpected stop");
});
