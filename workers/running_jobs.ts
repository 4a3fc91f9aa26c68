/**
 * The jobs this process is running, each with its AbortController, so that a cancel (NOTIFY on
 * CANCEL_CHANNEL with a run id) or a shutdown can stop exactly the work it concerns. graphile-worker
 * itself cannot stop a running job.
 */

/** Why a job's signal was aborted: the creator cancelled its run. */
export class RunCancelled extends Error {
  constructor(runId: number) {
    super(`Run ${runId} was cancelled.`);
    this.name = "AbortError";
  }
}

/** Why a job's signal was aborted: its scene was deleted. */
export class SceneDeleted extends Error {
  constructor() {
    super("The scene was deleted.");
    this.name = "AbortError";
  }
}

/** Why a job's signal was aborted: the creator cancelled the export it renders. */
export class ExportCancelled extends Error {
  constructor() {
    super("The export was cancelled.");
    this.name = "AbortError";
  }
}

/** Why a job's signal was aborted: this worker is shutting down. */
export class WorkerShutdown extends Error {
  constructor() {
    super("The worker is shutting down.");
    this.name = "AbortError";
  }
}

interface Entry {
  /** The run of a scene part's job; null for a job of no run (a prompt job). */
  runId: number | null;
  /** The job key of the part it makes (`image:42`). */
  key: string;
  controller: AbortController;
}

export class RunningJobs {
  readonly #jobs = new Map<string, Entry>();

  /** Registers a job; returns the controller whose signal the provider receives. */
  add(jobId: string, runId: number | null, key: string): AbortController {
    const controller = new AbortController();
    this.#jobs.set(jobId, { runId, key, controller });
    return controller;
  }

  /** Aborts the job with this key (its scene was deleted, or its export cancelled); returns how many. */
  abortKey(key: string, reason: Error = new SceneDeleted()): number {
    let n = 0;
    for (const entry of this.#jobs.values()) {
      if (entry.key === key && !entry.controller.signal.aborted) {
        entry.controller.abort(reason);
        n++;
      }
    }
    return n;
  }

  remove(jobId: string): void {
    this.#jobs.delete(jobId);
  }

  /** Aborts every job of `runId`; returns how many. */
  abortRun(runId: number): number {
    let n = 0;
    for (const entry of this.#jobs.values()) {
      if (entry.runId === runId && !entry.controller.signal.aborted) {
        entry.controller.abort(new RunCancelled(runId));
        n++;
      }
    }
    return n;
  }

  /** Aborts every job (shutdown). */
  abortAll(): number {
    let n = 0;
    for (const entry of this.#jobs.values()) {
      if (!entry.controller.signal.aborted) {
        entry.controller.abort(new WorkerShutdown());
        n++;
      }
    }
    return n;
  }

  /** Job keys of the running jobs. */
  keys(): string[] {
    return [...this.#jobs.values()].map((e) => e.key);
  }

  /** Run ids of the running jobs. */
  runIds(): number[] {
    return [...new Set([...this.#jobs.values()].flatMap((e) => (e.runId === null ? [] : [e.runId])))];
  }

  get size(): number {
    return this.#jobs.size;
  }
}
