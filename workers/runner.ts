/**
 * The worker: graphile-worker `run()` with our task list, plus what graphile-worker leaves to us.
 *
 * - One image, one video, one narration and one export at a time across all processes: jobs live in
 *   the named queues `images`, `videos`, `audio` and `exports` (a named queue runs one job at a
 *   time); concurrency ≥ 2 lets a process run an image and a video together. localQueue stays off
 *   (it broke named-queue serialisation in 0.17). With several GPU servers (COMFYUI_URLS) images and
 *   videos go to one queue per server instead (core/engine/gpu_servers.ts).
 * - Prompt jobs ("Write prompts", ./tasks/write_prompts.ts) run on their own named queue `prompts`,
 *   one batch at a time, with the writer PROMPT_PROVIDER names.
 * - Wake-up: migrations/002_engine.sql notifies graphile-worker's own `jobs:insert` channel when a
 *   named queue unlocks with work waiting, so the next job starts at once instead of after the poll
 *   interval; a retry that waits a backoff gets a local timer that sends the same wake-up.
 * - Cancel: a LISTEN on CANCEL_CHANNEL turns a cancelled run id into abort() on the
 *   AbortController of each job of that run running here (re-checked on every reconnect).
 * - Crash recovery: a heartbeat row per pool; each tick releases the jobs of dead pools and, now and
 *   then, reconciles scene states with the jobs table (also at start-up). See core/engine/recovery.ts.
 * - Shutdown ({@link StudioWorker.stop}): take no new jobs, give running ones SHUTDOWN_GRACE_MS,
 *   then abort them (their parts are queued again under fresh jobs), and leave nothing locked.
 */
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type WorkerEvents } from "graphile-worker";
import { type Config, generationServers, partServers } from "../config.ts";
import { imagesFirst as resolveImagesFirst } from "../core/engine/scene_order.ts";
import type { Sql } from "../core/db/client.ts";
import { CANCEL_CHANNEL, exportJobKey, jobKey, parseCancel } from "../core/engine/jobs.ts";
import { beat, removeHeartbeat, unlockDeadWorkers } from "../core/engine/heartbeats.ts";
import { providersFromConfig } from "../providers/from_config.ts";
import { Backoff } from "../core/system/backoff.ts";
import { createPromptWriter } from "../providers/prompts/registry.ts";
import type { MediaProvider } from "../providers/types.ts";
import { createAudioProvider, createTranscriberFromSettings } from "../providers/audio/registry.ts";
import type { AudioProvider } from "../providers/audio/types.ts";
import { reconcile, type ReconcileReport } from "../core/engine/recovery.ts";
import { ExportCancelled, RunningJobs } from "./running_jobs.ts";
import { createTaskList, type TaskContext } from "./tasks/index.ts";
import { pruneEventsCrontab } from "./tasks/prune_events.ts";
import { runSweepMedia, sweepMediaCrontab } from "./tasks/sweep_media.ts";
import { type LogFields, logLine } from "../core/system/log.ts";

export interface WorkerOptions {
  sql: Sql;
  /** Connection string graphile-worker opens its own pool with. */
  databaseUrl: string;
  config: Config;
  /** The providers to generate with (the process's shared ones, or a test's); default: from the config. */
  providers?: { image: MediaProvider; video: MediaProvider; audio?: AudioProvider };
  log?: (line: string, fields?: LogFields) => void;
  /**
   * Earlier pools of this process that stopped (a supervisor restarts the worker): their jobs are
   * released and their heartbeats removed before this pool starts, if their own stop could not.
   */
  releasePools?: string[];
}

export interface StudioWorker {
  /** graphile-worker's pool id: what its locks and our heartbeat row are keyed by. */
  readonly poolId: string;
  /** Stops taking jobs, lets running ones finish (bounded), releases everything. Idempotent. */
  stop(): Promise<void>;
  /**
   * Settles when the worker has stopped: with the error that stopped it (graphile-worker gave up
   * its pool), or undefined when {@link StudioWorker.stop} asked it to. main.ts restarts or exits.
   */
  readonly stopped: Promise<Error | undefined>;
}

/** Time after the grace period for aborted jobs to wind down before the pool is forced. */
const ABORT_WIND_DOWN_MS = 5000;

export async function startWorker(options: WorkerOptions): Promise<StudioWorker> {
  const { sql, config } = options;
  const log = options.log ?? logLine;
  const owned = options.providers ? null : providersFromConfig(config);
  const providers = {
    image: options.providers?.image ?? owned!.image,
    video: options.providers?.video ?? owned!.video,
    audio: options.providers?.audio ?? createAudioProvider(config.audio),
  };
  const settings = { maxAttempts: config.maxAttempts, servers: partServers(config) };
  const servers = generationServers(config);
  const imagesFirst = resolveImagesFirst(config.sceneOrder, servers.image, servers.video);
  const jobs = new RunningJobs();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopping = false;

  const wake = () => sql`select pg_notify('jobs:insert', '{"count":1}')`.then(() => {}, () => {});
  const ctx: TaskContext = {
    sql,
    dataDir: config.dataDir,
    settings: { ...settings, takesKept: config.takesKept, imagesFirst },
    retryBackoffMs: config.retryBackoffMs,
    globalBackoff: new Backoff(Math.max(500, config.retryBackoffMs), 60_000),
    providers,
    transcriber: createTranscriberFromSettings(config.audio),
    promptWriter: createPromptWriter(config.prompts),
    jobs,
    wakeAfter(ms) {
      if (stopping) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        wake();
      }, ms + 20);
      timers.add(timer);
    },
    log,
  };

  // Cancels reach this process as NOTIFY; after a (re)connect, catch up on runs cancelled meanwhile.
  const catchUpCancels = async () => {
    const runIds = jobs.runIds();
    if (runIds.length) {
      const ended = await sql<{ id: number }[]>`
        select id from scene_runs where id = any(${runIds}::int[]) and status <> 'active'`;
      for (const run of ended) jobs.abortRun(run.id);
    }
    const exportIds = jobs.keys().flatMap((k) => /^export:(\d+)$/.exec(k) ? [Number(k.slice(7))] : []);
    if (exportIds.length) {
      const stopped = await sql<{ id: number }[]>`
        select id from exports where id = any(${exportIds}::int[]) and status = 'cancelled'`;
      for (const e of stopped) jobs.abortKey(exportJobKey(e.id), new ExportCancelled());
    }
  };
  const listener = await sql.listen(CANCEL_CHANNEL, (payload) => {
    const cancel = parseCancel(payload);
    if (cancel && "runId" in cancel) jobs.abortRun(cancel.runId);
    else if (cancel && "exportId" in cancel) jobs.abortKey(exportJobKey(cancel.exportId), new ExportCancelled());
    else if (cancel) jobs.abortKey(jobKey(cancel.part, cancel.sentenceId));
  }, () => {
    catchUpCancels().catch((e) => log(`Could not check for cancelled runs: ${e.message}`));
  });

  const events: WorkerEvents = new EventEmitter();
  let poolId = "";
  // A generation job that threw (a database error the task could not ride out) waits for
  // graphile-worker's retry; its part is put back to queued at once by a reconciliation.
  let reconcileSoon: ReturnType<typeof setTimeout> | undefined;
  events.on("job:error", () => {
    if (stopping || reconcileSoon) return;
    reconcileSoon = setTimeout(() => {
      reconcileSoon = undefined;
      reconcile(sql, settings).then(
        (report) => logReport(log, "After a job error", report),
        (error) => log(`Reconciliation after a job error failed (will try again): ${error.message}`),
      );
    }, 500);
  });
  events.on("pool:create", ({ workerPool }) => {
    poolId = workerPool.id;
    // graphile-worker's fetch locks every named queue it can (`for update skip locked`) while it
    // picks a job, so a worker fetching at the same moment finds nothing and sleeps until the poll
    // interval, even when the other queue has a job ready (an image done and its video queued, as
    // the image queue unlocks). Each job that starts therefore has one idle worker look again: it
    // finds what the fetch hid, or nothing.
    events.on("job:start", () => {
      if (!stopping && workerPool._active && !workerPool._shuttingDown) workerPool.nudge(1);
    });
  });
  let runner: Runner;
  // A failed start (the database went away meanwhile) must leave nothing running: a supervisor
  // will call startWorker again.
  try {
    if (options.releasePools?.length) {
      await sql`select graphile_worker.force_unlock_workers(${options.releasePools}::text[])`;
      await sql`delete from worker_heartbeats where pool_id = any(${options.releasePools}::text[])`;
    }
    await checkWakeTrigger(sql, log);
    await unlockDeadWorkers(sql, config.workerDeadAfterMs, config.workerHeartbeatMs);
    logReport(log, "Start-up", await reconcile(sql, settings));
    // Files a crash left behind (written, never recorded): swept in the background.
    runSweepMedia(sql, config.dataDir, log).catch((error) => log(`The media sweep failed: ${error.message}`));
    runner = await run({
      connectionString: options.databaseUrl,
      concurrency: config.workerConcurrency,
      maxPoolSize: config.workerConcurrency + 2,
      pollInterval: config.workerPollMs,
      noHandleSignals: true,
      gracefulShutdownAbortTimeout: config.shutdownGraceMs + ABORT_WIND_DOWN_MS,
      taskList: createTaskList(ctx, config),
      crontab: [pruneEventsCrontab(config.eventsRetentionDays), sweepMediaCrontab()].join("\n"),
      events,
      logger: graphileLogger(log),
      // Completions and failures go through graphile-worker's batcher (flushed after a 0 ms
      // delay), which it drains at shutdown; unbatched, a job finished just before shutdown could
      // be left locked when the process exits.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });
  } catch (error) {
    await listener.unlisten().catch(() => {});
    throw error;
  }
  // A first heartbeat now; if the database just went away, the next tick retries.
  await beat(sql, poolId).catch((error) => log(`Worker heartbeat failed (will try again): ${error.message}`));

  // Heartbeat, dead-worker release, and a periodic reconciliation.
  const reconcileEvery = Math.max(1, Math.round(30_000 / config.workerHeartbeatMs));
  let ticks = 0;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      await beat(sql, poolId);
      const dead = await unlockDeadWorkers(sql, config.workerDeadAfterMs, config.workerHeartbeatMs);
      if (dead.length) {
        log(`Released the jobs of ${dead.length} worker(s) that stopped responding: ${dead.join(", ")}.`);
      }
      if (dead.length || ++ticks % reconcileEvery === 0) logReport(log, "Recovery", await reconcile(sql, settings));
    } catch (error) {
      if (!stopping) log(`Worker heartbeat failed (will try again): ${(error as Error).message}`);
    }
    if (!stopping) heartbeat = setTimeout(tick, config.workerHeartbeatMs);
  };
  heartbeat = setTimeout(tick, config.workerHeartbeatMs);

  let stopPromise: Promise<void> | undefined;
  const stop = () => {
    stopPromise ??= (async () => {
      stopping = true;
      clearTimeout(heartbeat);
      clearTimeout(reconcileSoon);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const graceTimer = setTimeout(() => {
        const n = jobs.abortAll();
        if (n) log(`Stopping: aborted ${n} running job(s) after the ${config.shutdownGraceMs} ms grace period.`);
      }, config.shutdownGraceMs);
      const forceTimer = setTimeout(() => {
        log("Stopping: running jobs did not end after being aborted; forcing the worker pool down.");
        runner.kill().catch(() => {});
      }, config.shutdownGraceMs + ABORT_WIND_DOWN_MS);
      try {
        await runner.stop();
      } catch (error) {
        log(`The worker pool stopped with an error: ${(error as Error).message}`);
      } finally {
        clearTimeout(graceTimer);
        clearTimeout(forceTimer);
      }
      // Nothing of ours runs any more: release whatever is still locked in our name (a job whose
      // completion was lost), tidy up, and say goodbye.
      try {
        await sql`select graphile_worker.force_unlock_workers(array[${poolId}]::text[])`;
        logReport(log, "Shutdown", await reconcile(sql, settings));
      } catch (error) {
        log(`Could not release this worker's jobs at shutdown: ${(error as Error).message}`);
      }
      await listener.unlisten().catch(() => {});
      await removeHeartbeat(sql, poolId).catch(() => {});
      owned?.close();
    })();
    return stopPromise;
  };

  const stopped = runner.promise.then(
    async (): Promise<Error | undefined> => {
      if (stopping) {
        await stopPromise;
        return undefined;
      }
      // graphile-worker shut its pool down by itself (a worker of it exited).
      await stop();
      return new Error("graphile-worker shut its worker pool down");
    },
    async (error): Promise<Error | undefined> => {
      log(`The worker stopped because of an error: ${(error as Error).message}`);
      await stop();
      return error instanceof Error ? error : new Error(String(error));
    },
  );
  return { poolId, stop, stopped };
}

function logReport(log: (line: string) => void, when: string, r: ReconcileReport) {
  const parts = [
    r.requeued && `${r.requeued} scene part(s) queued again`,
    r.released && `${r.released} interrupted part(s) handed to another worker`,
    r.failed && `${r.failed} part(s) failed`,
    r.cancelled && `${r.cancelled} part(s) cancelled`,
    r.deletedJobs && `${r.deletedJobs} leftover job(s) deleted`,
    r.completedRuns && `${r.completedRuns} finished run(s) closed`,
    r.exportsRequeued && `${r.exportsRequeued} export(s) queued again`,
    r.exportsFailed && `${r.exportsFailed} export(s) failed`,
  ].filter(Boolean);
  if (parts.length) log(`${when} reconciliation: ${parts.join(", ")}.`);
}

/** Warns when the queue wake-up trigger is missing (a graphile-worker upgrade may drop it). */
async function checkWakeTrigger(sql: Sql, log: (line: string) => void) {
  const [row] = await sql`select 1 from pg_trigger where tgname = 'studio_wake_workers' and not tgisinternal`;
  if (!row) {
    log(
      "Warning: the trigger studio_wake_workers is missing (see migrations/002_engine.sql); jobs will wait for the poll interval between runs of a queue.",
    );
  }
}

/** graphile-worker's log lines: warnings and errors only (it logs every job at info). */
function graphileLogger(log: (line: string) => void): Logger {
  return new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") log(`graphile-worker ${level}: ${message.split("\n")[0]}`);
  });
}
