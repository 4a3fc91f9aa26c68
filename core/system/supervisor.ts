/**
 * Keeps a part of the app running: the worker pool and the embedded Postgres of an all-in-one
 * process. When the running instance stops without being asked to, the supervisor logs why,
 * waits (doubling from {@link RestartPolicy.initialMs} to {@link RestartPolicy.maxMs}) and starts a
 * new one; after {@link RestartPolicy.maxFailures} unexpected stops or failed starts within
 * {@link RestartPolicy.windowMs} it gives up and calls `onGiveUp`, and the process exits non-zero so
 * that an outer supervisor (systemd, Docker, a shell loop) takes over. {@link Supervisor.status}
 * feeds /readyz.
 *
 * The decision is pure ({@link restartDecision}); the loop around it is small I/O.
 */

/** How a supervisor restarts. */
export interface RestartPolicy {
  /** Delay before the first restart. */
  initialMs: number;
  /** Longest delay between restarts. */
  maxMs: number;
  /** More unexpected stops than this within `windowMs` is fatal. */
  maxFailures: number;
  windowMs: number;
}

/** The default: 0.5 s, 1 s, 2 s … 30 s; more than 8 failures within 10 minutes is fatal. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialMs: 500,
  maxMs: 30_000,
  maxFailures: 8,
  windowMs: 10 * 60_000,
};

/**
 * What to do after a failure at `now`, given the times of earlier failures: how long to wait, or
 * give up. Failures older than the window are forgotten.
 *
 * @example
 * restartDecision(DEFAULT_RESTART_POLICY, [t0], t0 + 1000) // { giveUp: false, delayMs: 1000, recent: [t0, t0 + 1000] }
 */
export function restartDecision(
  policy: RestartPolicy,
  earlier: readonly number[],
  now: number,
): { giveUp: boolean; delayMs: number; recent: number[] } {
  const recent = [...earlier.filter((t) => now - t < policy.windowMs), now];
  const delayMs = Math.min(policy.maxMs, policy.initialMs * 2 ** (recent.length - 1));
  return { giveUp: recent.length > policy.maxFailures, delayMs, recent };
}

/** A running instance of a supervised part. */
export interface Supervised {
  /** Settles when the instance has stopped, for whatever reason; a value is the reason. */
  readonly stopped: Promise<unknown>;
  /** Stops it on request. */
  stop(): Promise<void>;
}

/** The states /readyz reports. */
export type ServiceState = "starting" | "running" | "restarting" | "stopping" | "stopped" | "failed";

/** A supervisor's state, as /readyz shows it. */
export interface ServiceStatus {
  state: ServiceState;
  /** Restarts since the process started. */
  restarts: number;
  /** Why it last stopped or failed to start (null if it never did). */
  lastError: string | null;
  /** When the state last changed (ISO time). */
  since: string;
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions<T extends Supervised> {
  /** What it is, for log lines: "The worker pool". */
  what: string;
  start(): Promise<T>;
  policy?: RestartPolicy;
  log(line: string): void;
  /** Called once when the supervisor gives up (the caller exits non-zero). */
  onGiveUp(reason: string): void;
  /** Called after each successful restart (not the first start). */
  onRestart?(instance: T): void | Promise<void>;
}

/** Starts, watches and restarts one part of the app; see the module notes. */
export class Supervisor<T extends Supervised> {
  #options: SupervisorOptions<T>;
  #policy: RestartPolicy;
  #current: T | undefined;
  #status: ServiceStatus = { state: "starting", restarts: 0, lastError: null, since: new Date().toISOString() };
  #failures: number[] = [];
  #stopping = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #stopRequested = Promise.withResolvers<void>();

  constructor(options: SupervisorOptions<T>) {
    this.#options = options;
    this.#policy = options.policy ?? DEFAULT_RESTART_POLICY;
  }

  /** Starts the first instance (its failure is thrown: a start-up error) and begins watching it. */
  async start(): Promise<T> {
    const instance = await this.#options.start();
    this.#current = instance;
    this.#set("running");
    this.#loop = this.#watch(instance);
    return instance;
  }

  /** The running instance (undefined while it restarts). */
  get current(): T | undefined {
    return this.#current;
  }

  status(): ServiceStatus {
    return { ...this.#status };
  }

  /** Stops watching and stops the running instance. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#set("stopping");
    this.#stopRequested.resolve();
    this.#wake?.();
    await this.#current?.stop();
    await this.#loop;
    this.#set("stopped");
  }

  async #watch(instance: T): Promise<void> {
    let running: T | undefined = instance;
    while (!this.#stopping) {
      // (An instance may never stop by itself, like an external database's handle.)
      const ended = running ? await Promise.race([running.stopped, this.#stopRequested.promise]) : undefined;
      const reason = running ? describe(ended) : this.#status.lastError ?? "it did not start";
      if (this.#stopping) return;
      this.#current = undefined;
      const decision = restartDecision(this.#policy, this.#failures, Date.now());
      this.#failures = decision.recent;
      this.#status.lastError = reason;
      if (decision.giveUp) {
        this.#set("failed");
        const minutes = Math.max(1, Math.round(this.#policy.windowMs / 60_000));
        const why = `${this.#options.what} stopped ${decision.recent.length} times within ${minutes} minute${
          minutes === 1 ? "" : "s"
        } (last: ${reason}); giving up.`;
        this.#options.log(why);
        this.#options.onGiveUp(why);
        return;
      }
      this.#set("restarting");
      this.#options.log(
        `${this.#options.what} stopped unexpectedly (${reason}); restarting in ${decision.delayMs} ms (restart ${
          this.#status.restarts + 1
        }).`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, decision.delayMs);
        this.#wake = () => (clearTimeout(timer), resolve());
      });
      this.#wake = undefined;
      if (this.#stopping) return;
      const startedAt = performance.now();
      try {
        running = await this.#options.start();
      } catch (error) {
        running = undefined;
        this.#status.lastError = `restarting failed: ${describe(error)}`;
        continue;
      }
      if (this.#stopping) {
        await running.stop();
        return;
      }
      this.#current = running;
      this.#status.restarts++;
      this.#set("running");
      const took = ((performance.now() - startedAt) / 1000).toFixed(1);
      this.#options.log(
        `${this.#options.what} is running again (restart ${this.#status.restarts}, started in ${took} s).`,
      );
      await this.#options.onRestart?.(running);
    }
  }

  #set(state: ServiceState) {
    this.#status.state = state;
    this.#status.since = new Date().toISOString();
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message.split("\n")[0].replace(/\.$/, "");
  if (typeof reason === "string" && reason) return reason.replace(/\.$/, "");
  return "no reason given";
}
