/**
 * Splits scripts without blocking the event loop: a long script is split on a worker thread, so
 * one 2,000,000-character import cannot delay the other requests of the process (health checks,
 * live updates, other creators). Short scripts, the everyday case, are split in place.
 *
 * One thread splits one script at a time; others queue. Starting a Web Worker blocks the calling
 * thread for about 100 ms, so the web process starts the thread once at start-up
 * ({@link startScriptThread}) and keeps it. Without that (tests, scripts) the thread starts at the
 * first long script and ends after {@link LAZY_IDLE_MS} without work, so nothing keeps the
 * process alive. A split running longer than {@link SPLIT_TIMEOUT_MS} is stopped (the thread is
 * replaced) with an error a creator can act on.
 */
import { InvalidInputError } from "./errors.ts";
import { type ParsedSection, type SplitOptions, splitScript } from "./script_import.ts";
import { isBundledBuild, readAssetTextSync } from "../system/assets.ts";

/** Scripts up to this many characters are split on the calling thread (a few ms at worst). */
export const INLINE_MAX_CHARS = 20_000;
/** A split running longer than this is stopped (the worst input known takes about 1.5 s). */
export const SPLIT_TIMEOUT_MS = 30_000;
/** How long a thread started on demand waits for more work before it ends. */
export const LAZY_IDLE_MS = 5_000;

/** The thread's module: the source file in a checkout, its bundled copy in the one-file build. */
let workerUrl: string | URL | undefined;
function threadModule(): string | URL {
  workerUrl ??= isBundledBuild()
    ? URL.createObjectURL(
      new Blob([readAssetTextSync("workers/script_import_worker.js")], { type: "application/javascript" }),
    )
    : new URL("./script_import_worker.ts", import.meta.url);
  return workerUrl;
}

type Reply = { sections: ParsedSection[] } | { error: { field?: string; message: string } };

interface Job {
  script: string;
  options: SplitOptions;
  resolve(sections: ParsedSection[]): void;
  reject(error: Error): void;
}

let worker: Worker | undefined;
let keepAlive = false;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
const queue: Job[] = [];
let busy = false;

/** Starts the splitting thread now and keeps it until {@link stopScriptThread} (web processes). */
export function startScriptThread(): void {
  keepAlive = true;
  clearTimeout(idleTimer);
  worker ??= new Worker(threadModule(), { type: "module" });
}

/** Ends the splitting thread; queued splits fail. */
export function stopScriptThread(): void {
  keepAlive = false;
  clearTimeout(idleTimer);
  worker?.terminate();
  worker = undefined;
  for (const job of queue.splice(0)) job.reject(new Error("The server is shutting down."));
}

/**
 * {@link splitScript} off the event loop for long scripts: same result, same errors.
 *
 * @example
 * const sections = await splitScriptOffThread(body.script, { maxSentences: LIMITS.sentencesPerProject });
 */
export function splitScriptOffThread(script: string, options: SplitOptions = {}): Promise<ParsedSection[]> {
  if (script.length <= INLINE_MAX_CHARS) {
    try {
      return Promise.resolve(splitScript(script, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) => {
    queue.push({ script, options, resolve, reject });
    runNext();
  });
}

function runNext() {
  if (busy) return;
  const job = queue.shift();
  if (!job) {
    if (!keepAlive) idleTimer = setTimeout(stopIdleThread, LAZY_IDLE_MS);
    return;
  }
  clearTimeout(idleTimer);
  busy = true;
  const thread = worker ??= new Worker(threadModule(), { type: "module" });
  const done = () => {
    clearTimeout(timer);
    thread.onmessage = thread.onerror = null;
    busy = false;
    runNext();
  };
  const timer = setTimeout(() => {
    thread.terminate(); // the only way to stop it; the next job starts a new one
    if (worker === thread) worker = undefined;
    done();
    job.reject(
      new InvalidInputError(
        "script",
        `Splitting the script took longer than ${SPLIT_TIMEOUT_MS / 1000} seconds; split it into several projects.`,
      ),
    );
  }, SPLIT_TIMEOUT_MS);
  thread.onmessage = (event: MessageEvent<Reply>) => {
    done();
    const reply = event.data;
    if ("sections" in reply) job.resolve(reply.sections);
    else if (reply.error.field) job.reject(new InvalidInputError(reply.error.field, reply.error.message));
    else job.reject(new Error(`Splitting the script failed: ${reply.error.message}`));
  };
  thread.onerror = (event) => {
    event.preventDefault();
    thread.terminate();
    if (worker === thread) worker = undefined;
    done();
    job.reject(new Error(`The script splitting thread failed: ${event.message}`));
  };
  thread.postMessage({ script: job.script, options: job.options });
}

function stopIdleThread() {
  if (keepAlive || busy || queue.length) return;
  worker?.terminate();
  worker = undefined;
}
