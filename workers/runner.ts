/**
 * The worker: graphile-worker `run()` with our task list, plus what graphile-worker leaves to us.
 *
 * - One image and one video at a time across all processes: jobs live in the named queues `images`
 *   and `videos` (a named queue runs one job at a time); concurrency ≥ 2 lets a process run one of
 *   each. localQueue stays off (it broke named-queue serialisation in 0.17).
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
import { type Config, generationServers } from "../config.ts";
import { imagesFirst as resolveImagesFirst } from "../core/engine/scene_order.ts";
import type { Sql } from "../core/db/client.ts";
import { CANCEL_CHANNEL, jobKey, parseCancel } from "../core/engine/jobs.ts";
import { beat, removeHeartbeat, unlockDeadWorkers } from "../core/engine/heartbeats.ts";
import { createProvider } from "../providers/registry.ts";
import { createPromptWriter } from "../providers/prompts/registry.ts";
import type { MediaProvider } from "../providers/types.ts";
import { reconcile, type ReconcileReport } from "../core/engine/recovery.ts";
import { RunningJobs } from "./running_jobs.ts";
import { createTaskList, type TaskContext } from "./tasks/index.ts";
import { pruneEventsCrontab } from "./tasks/prune_events.ts";

export interface WorkerOptions {
  sql: Sql;
  /** Connection string graphile-worker opens its own pool with. */
  databaseUrl: string;
  config: Config;
  /** Overrides the providers named in the config (tests). */
  providers?: { image: MediaProvider; video: MediaProvider };
  log?: (line: string) => void;
}

export interface StudioWorker {
  /** graphile-worker's pool id: what its locks and our heartbeat row are keyed by. */
  readonly poolId: string;
  /** Stops taking jobs, lets running ones finish (bounded), releases everything. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped, for whatever reason. */
  readonly stopped: Promise<void>;
}

/** Time after the grace period for aborted jobs to wind down before the pool is forced. */
const ABORT_WIND_DOWN_MS = 5000;

export async function startWorker(options: WorkerOptions): Promise<StudioWorker> {
  const { sql, config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const providers = options.providers ?? {
    image: createProvider(config.imageProvider, providerOptions(config)),
    video: createProvider(config.videoProvider, providerOptions(config)),
  };
  const settings = { maxAttempts: config.maxAttempts };
  const servers = generationServers(config);
  const imagesFirst = resolveImagesFirst(config.sceneOrder, servers.image, servers.video);
  const jobs = new RunningJobs();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopping = false;

  const wake = () => sql`select pg_notify('jobs:insert', '{"count":1}')`.then(() => {}, () => {});
  const ctx: TaskContext = {
    sql,
    dataDir: config.dataDir,
    settings: { maxAttempts: config.maxAttempts, takesKept: config.takesKept, imagesFirst },
    retryBackoffMs: config.retryBackoffMs,
    providers,
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
    if (runIds.length === 0) return;
    const ended = await sql<{ id: number }[]>`
      select id from scene_runs where id = any(${runIds}::int[]) and status <> 'active'`;
    for (const run of ended) jobs.abortRun(run.id);
  };
  const listener = await sql.listen(CANCEL_CHANNEL, (payload) => {
    const cancel = parseCancel(payload);
    if (cancel && "runId" in cancel) jobs.abortRun(cancel.runId);
    else if (cancel) jobs.abortKey(jobKey(cancel.part, cancel.sentenceId));
  }, () => {
    catchUpCancels().catch((e) => log(`Could not check for cancelled runs: ${e.message}`));
  });

  await checkWakeTrigger(sql, log);
  await unlockDeadWorkers(sql, config.workerDeadAfterMs, config.workerHeartbeatMs);
  logReport(log, "Start-up", await reconcile(sql, settings));

  const events: WorkerEvents = new EventEmitter();
  let poolId = "";
  events.on("pool:create", ({ workerPool }) => {
    poolId = workerPool.id;
  });
  let runner: Runner;
  try {
    runner = await run({
      connectionString: options.databaseUrl,
      concurrency: config.workerConcurrency,
      maxPoolSize: config.workerConcurrency + 2,
      pollInterval: config.workerPollMs,
      noHandleSignals: true,
      gracefulShutdownAbortTimeout: config.shutdownGraceMs + ABORT_WIND_DOWN_MS,
      taskList: createTaskList(ctx),
      crontab: pruneEventsCrontab(config.eventsRetentionDays),
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
  await beat(sql, poolId);

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
    })();
    return stopPromise;
  };

  const stopped = runner.promise.then(
    () => stopPromise,
    async (error) => {
      log(`The worker stopped because of an error: ${(error as Error).message}`);
      await stop();
    },
  );
  return { poolId, stop, stopped: stopped.then(() => {}) };
}

function providerOptions(config: Config) {
  return { simulatedImageMs: config.simulatedImageMs, simulatedVideoMs: config.simulatedVideoMs };
}

function logReport(log: (line: string) => void, when: string, r: ReconcileReport) {
  const parts = [
    r.requeued && `${r.requeued} scene part(s) queued again`,
    r.released && `${r.released} interrupted part(s) handed to another worker`,
    r.failed && `${r.failed} part(s) failed`,
    r.cancelled && `${r.cancelled} part(s) cancelled`,
    r.deletedJobs && `${r.deletedJobs} leftover job(s) deleted`,
    r.completedRuns && `${r.completedRuns} finished run(s) closed`,
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
