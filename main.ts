/**
 * Scene Studio's entry point: `deno task start` runs the web server and the worker in one process
 * on the embedded Postgres; `--web-only` and `--worker-only` split them so several processes can
 * share one database.
 */
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./core/database.ts";
import { connect } from "./core/db.ts";
import { ensureDemoProject } from "./core/demo.ts";
import { migrate } from "./core/migrate.ts";
import { buildIslands } from "./islands_runtime/build.ts";

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

let config;
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
await migrate(sql, database.url);
if (runWeb) {
  const demoId = await ensureDemoProject(sql);
  if (demoId) log(`Created the demo project (id ${demoId}).`);
}

let server: Deno.HttpServer | undefined;
if (runWeb) {
  const islands = await buildIslands();
  if (islands.islands.length) {
    log(`Island bundle ${islands.url}: ${islands.gzipBytes} bytes gzipped (${islands.ms} ms).`);
  }
  const app = createApp({ sql, config });
  server = Deno.serve({
    port: config.port,
    hostname: config.host,
    onListen: ({ hostname, port }) => {
      const shown = hostname === "0.0.0.0" || hostname === "127.0.0.1" ? "localhost" : hostname;
      log(
        `Scene Studio is ready at http://${shown}:${port}/ (started in ${Math.round(performance.now() - started)} ms).`,
      );
    },
  }, app.fetch);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`Received ${signal}: shutting down.`);
  const force = setTimeout(() => {
    console.error("Shutdown took longer than 30 seconds; exiting now.");
    Deno.exit(1);
  }, 30_000);
  await server?.shutdown();
  await sql.end({ timeout: 5 });
  await database.stop();
  clearTimeout(force);
  log("Stopped.");
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
