/**
 * The live-event fan-out of one web process: one LISTEN connection, any number of SSE subscribers,
 * and a guarantee that each subscriber sees every event of its project exactly once, in id order.
 *
 * ## How events reach a subscriber
 *
 * Writers call `appendEvents` (./events.ts) inside their transaction: `events` rows plus
 * `pg_notify('studio_events', projectId)`, delivered by Postgres at commit. The hub LISTENs on that
 * channel with postgres.js `sql.listen` on a dedicated connection (application_name
 * `scene-studio-listen`, so an admin can find it in pg_stat_activity). A notification carries no
 * data: it only "kicks" the hub, which then reads the table. Kicks are coalesced: one read pass runs
 * at a time, and any number of notifications during a pass cause exactly one more pass. So the
 * database work is per process and per burst, never per client; a client costs a bounded queue.
 *
 * ## Why not simply `id > lastSent`
 *
 * Event ids come from an identity sequence, assigned when the row is inserted, not when its
 * transaction commits. Transaction A can take id 41, transaction B id 42, and B commit first. A
 * reader that saw 42 and moved its cursor past it would never see 41. An "overlap" (re-reading the
 * last N ids) only narrows that window: a slow transaction holding id 41 longer than the overlap
 * still loses its event, and a client whose Last-Event-ID is 42 cannot tell the server that it
 * lacks 41.
 *
 * ## The horizon: the highest id below which nothing can still appear
 *
 * The hub keeps a **horizon** H: every event with id ≤ H is final (committed and visible, or rolled
 * back for good). It sends an event only once its id is ≤ H, so it sends strictly in id order, and
 * a client's Last-Event-ID is an exact resume point: "I have every event of my project up to here".
 *
 * H is advanced from two facts Postgres gives for free:
 * 1. An INSERT takes a `RowExclusiveLock` on `events` before it evaluates the id default, and keeps
 *    that lock until its transaction ends; the lock is released only after the commit is visible
 *    to new snapshots.
 * 2. The sequence's `last_value` is non-transactional: it is the highest id handed out so far
 *    (the sequence must not cache values per session; {@link EventHub.start} checks `CACHE 1`).
 *
 * Each pass reads L = `last_value`, *then* W = the transactions holding a write lock on `events`
 * (from `pg_locks`). Any id ≤ L that is not yet final belongs to a transaction that already held
 * the lock when L was read and still holds it, so it is in W. Hence:
 * - if W is empty, every id ≤ L is final: H = L (the common case, a few hundred microseconds);
 * - otherwise the pair (L, W) is remembered as a *watermark*, and as soon as a later pass sees that
 *   none of W's transactions holds the lock any more (they committed or rolled back), H = L.
 * While a watermark is open the hub re-checks on a short timer (20 ms, backing off to 500 ms):
 * a rollback sends no NOTIFY. Under a steady stream of overlapping writers each watermark still
 * resolves as its own transactions end, so H keeps moving.
 *
 * The price: an event is held back while some *other* transaction that wrote events is still open
 * (the hub cannot see which project an uncommitted row belongs to). Event-writing transactions are
 * short (milliseconds); a long one (starting a 10,000-scene run) delays everyone's stream by its
 * duration, and a transaction left open for 10 s is logged with its pid. Keep them short.
 *
 * ## Subscribers
 *
 * {@link EventHub.subscribe} returns a {@link Subscription} that will receive every event of the
 * project with id > `startAfter` (the point up to which that project's events were already
 * delivered, ≤ H). The SSE route replays `(Last-Event-ID, startAfter]` from the table itself, then
 * forwards the live queue, skipping ids it already sent. Reading `(H_old, H]` happens only for
 * projects that have subscribers, in batches, and a project that gains its first subscriber while a
 * pass is reading is picked up before the pass ends.
 *
 * A subscriber's queue is bounded ({@link EventHubOptions.queueLimit}). A client that cannot keep
 * up is cut off: its queue is dropped and its stream closed, and the browser reconnects with its
 * Last-Event-ID and gets the rest from the table. Memory per client stays bounded; nothing is lost.
 *
 * ## Reconnects and liveness
 *
 * postgres.js re-issues LISTEN when the connection drops and calls `onlisten` again: the hub runs a
 * catch-up pass there (it reads from H, so whatever committed while it was deaf is found). If the
 * re-LISTEN itself fails (Postgres down for longer), postgres.js gives up silently, so a watchdog
 * sends itself a ping NOTIFY every {@link EventHubOptions.watchdogMs}; a ping not heard back by the
 * next tick replaces the LISTEN connection. Each tick also runs a pass, a safety net that costs
 * three small queries per process per tick. After the database was unreachable, the listener is
 * checked again within a second of the first successful read.
 */
import { connect, type Sql } from "../db/client.ts";
import type { EventType, StudioEvent } from "../types.ts";
import { EVENTS_CHANNEL } from "./events.ts";
import { advanceHorizon, eventsSequence, latestEventId, readHorizonFacts, type Watermark } from "./horizon.ts";
import { Subscription } from "./subscription.ts";
import { log } from "../system/log.ts";

export { Subscription } from "./subscription.ts";

export interface EventHubOptions {
  /** The app's pool, for reads. */
  sql: Sql;
  /** Connection string for the dedicated LISTEN connection. */
  url: string;
  /** NOTIFY channel (default {@link EVENTS_CHANNEL}). */
  channel?: string;
  /** Events a subscriber may have waiting before it is cut off (default 1000). */
  queueLimit?: number;
  /** Interval of the SSE heartbeat comment (default 10 s; must stay ≤ 15 s in production). */
  heartbeatMs?: number;
  /** Watchdog interval: ping, listener check and safety pass (default 5 s). */
  watchdogMs?: number;
  /** Rows read per query in a pass (default 2000). */
  batchSize?: number;
  /** application_name of the LISTEN connection (default "scene-studio-listen"). */
  applicationName?: string;
  /** Where warnings go (default the process log, core/system/log.ts, at warn). */
  log?: (line: string) => void;
}

/** Counters for tests, /healthz-style checks and benchmarks. */
export interface EventHubStats {
  subscribers: number;
  projects: number;
  /** Every event with id ≤ horizon is final; events up to it have been handed to subscribers. */
  horizon: number;
  /** Open watermarks: transactions that wrote events and have not finished yet. */
  heldBack: boolean;
  passes: number;
  /** Passes that found another transaction writing events, so later ids waited for it. */
  heldPasses: number;
  listenerRestarts: number;
  /** Subscribers cut off because their queue overflowed, since start. */
  overflows: number;
}

interface ProjectState {
  subs: Set<Subscription>;
  /** Events of this project with id ≤ delivered have been handed to all its subscribers. */
  delivered: number;
}

type Timer = ReturnType<typeof setTimeout>;

/** Timers and sleeps of a hub, all cut short when it stops. */
class Sleeper {
  #pending = new Map<Timer, () => void>();
  #stopped = false;

  sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#pending.delete(t);
        resolve();
      }, ms);
      this.#pending.set(t, resolve);
    });
  }

  stop(): void {
    this.#stopped = true;
    for (const [t, resolve] of this.#pending) {
      clearTimeout(t);
      resolve();
    }
    this.#pending.clear();
  }
}

type EventRow = {
  id: string;
  project_id: number;
  run_id: number | null;
  type: EventType;
  data: Record<string, unknown>;
  created_at: Date;
};

/** See the module documentation. Create one per web process, `await start()`, `await stop()`. */
export class EventHub {
  readonly heartbeatMs: number;
  readonly queueLimit: number;
  readonly channel: string;
  #sql: Sql;
  #url: string;
  #batch: number;
  #watchdogMs: number;
  #appName: string;
  #log: (line: string) => void;
  #hubId = crypto.randomUUID();

  #projects = new Map<number, ProjectState>();
  #horizon = 0;
  #ready = false;
  #watermarks: Watermark[] = [];
  #seqName = "";

  #requested = 0;
  #completed = 0;
  #running: Promise<void> | null = null;
  #waiters: { n: number; resolve: () => void }[] = [];
  #failures = 0;
  #recheckTimer: Timer | undefined;
  #recheckDelay = 20;

  #listener: Sql | undefined;
  #restarting = false;
  #pingOutstanding: string | null = null;
  #pingCount = 0;
  #watchdog: Timer | undefined;
  #sleeper = new Sleeper();
  #started = false;
  #stopped = false;
  #stats = { passes: 0, heldPasses: 0, listenerRestarts: 0, overflows: 0 };

  constructor(options: EventHubOptions) {
    this.#sql = options.sql;
    this.#url = options.url;
    this.channel = options.channel ?? EVENTS_CHANNEL;
    this.queueLimit = options.queueLimit ?? 1000;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.#watchdogMs = options.watchdogMs ?? 5_000;
    this.#batch = options.batchSize ?? 2000;
    this.#appName = options.applicationName ?? "scene-studio-listen";
    this.#log = options.log ?? ((line) => log.warn(line));
  }

  /** LISTENs, then waits until the horizon is known. Call once. */
  async start(): Promise<void> {
    if (this.#started) throw new Error("EventHub.start() was called twice.");
    this.#started = true;
    this.#seqName = await eventsSequence(this.#sql);
    // LISTEN before the first read: anything committed after the read is then also notified.
    await this.#startListener();
    while (!this.#ready && !this.#stopped) {
      await this.sync();
      if (!this.#ready) await this.#sleeper.sleep(20);
    }
    this.#watchdog = setInterval(() => this.#tick(), this.#watchdogMs);
  }

  /** Ends every subscription (their streams close), the timers and the LISTEN connection. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#watchdog);
    clearTimeout(this.#recheckTimer);
    this.#sleeper.stop();
    for (const p of this.#projects.values()) for (const s of p.subs) s._end();
    this.#projects.clear();
    for (const w of this.#waiters) w.resolve();
    this.#waiters = [];
    // A pass waiting on an unreachable database is not waited for long.
    if (this.#running) {
      let timer: Timer | undefined;
      await Promise.race([this.#running.catch(() => {}), new Promise((r) => timer = setTimeout(r, 2000))]);
      clearTimeout(timer);
    }
    await this.#listener?.end({ timeout: 1 }).catch(() => {});
    this.#listener = undefined;
  }

  /**
   * Subscribes to a project's events. Synchronous on purpose: nothing can slip between reading
   * `startAfter` and being registered.
   */
  subscribe(projectId: number): Subscription {
    if (!this.#ready || this.#stopped) throw new Error("The event hub is not running.");
    let p = this.#projects.get(projectId);
    if (!p) {
      p = { subs: new Set(), delivered: this.#horizon };
      this.#projects.set(projectId, p);
    }
    const sub = new Subscription(this, projectId, p.delivered, this.queueLimit);
    p.subs.add(sub);
    return sub;
  }

  /**
   * An event id a page can hand to its stream as `lastEventId`: every event up to it is committed,
   * so state read from the database after this call already includes them. Events after it are
   * replayed (applying one twice is harmless: each carries the full new state).
   */
  cursor(): number {
    return this.#horizon;
  }

  /** The highest event id handed out so far (committed or not), straight from the sequence. */
  latestId(): Promise<number> {
    return latestEventId(this.#sql, this.#seqName);
  }

  /** Runs a pass now and resolves once a pass that started after this call has finished. */
  sync(): Promise<void> {
    this.kick();
    const n = this.#requested;
    if (this.#completed >= n || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }

  /** Asks for a read pass (coalesced with any pass already waiting). */
  kick(): void {
    if (this.#stopped) return;
    this.#requested++;
    this.#running ??= this.#loop();
  }

  stats(): EventHubStats {
    let subscribers = 0;
    for (const p of this.#projects.values()) subscribers += p.subs.size;
    return {
      subscribers,
      projects: this.#projects.size,
      horizon: this.#horizon,
      heldBack: this.#watermarks.length > 0,
      ...this.#stats,
    };
  }

  /** @internal A subscription leaves (closed by its owner, or cut off on overflow). */
  _remove(sub: Subscription, overflow = false): void {
    const p = this.#projects.get(sub.projectId);
    if (!p?.subs.delete(sub)) return;
    if (overflow) this.#stats.overflows++;
    if (p.subs.size === 0) this.#projects.delete(sub.projectId);
  }

  // --- passes ---------------------------------------------------------------------------------

  async #loop(): Promise<void> {
    try {
      while (this.#completed < this.#requested && !this.#stopped) {
        const target = this.#requested;
        try {
          await this.#pass();
        } catch (err) {
          this.#failures++;
          if (this.#failures === 1 || this.#failures % 30 === 0) {
            this.#log(`Live updates: reading events failed (${(err as Error).message}); retrying.`);
          }
          await this.#sleeper.sleep(Math.min(1000, 50 * 2 ** Math.min(this.#failures, 5)));
          continue;
        }
        if (this.#failures > 0) {
          this.#failures = 0;
          // The database was unreachable: the LISTEN connection may have given up. Check it soon.
          const token = this.#sendPing();
          this.#sleeper.sleep(1000).then(() => {
            if (!this.#stopped && this.#pingOutstanding === token) this.#restartListener();
          });
        }
        this.#completed = target;
        this.#waiters = this.#waiters.filter((w) => {
          if (w.n > target) return true;
          w.resolve();
          return false;
        });
      }
    } finally {
      this.#running = null;
    }
  }

  async #pass(): Promise<void> {
    this.#stats.passes++;
    const facts = await readHorizonFacts(this.#sql, this.#seqName);
    if (facts.holders.size > 0) this.#stats.heldPasses++;
    const step = advanceHorizon({ horizon: this.#horizon, watermarks: this.#watermarks }, facts, performance.now());
    this.#watermarks = step.watermarks;
    if (step.stale) {
      const pids = [...step.stale.holders].map((h) => h.split(":")[0]).join(", ");
      this.#log(
        `Live updates are held back: transaction(s) of pid ${pids} wrote events and have been open for more than 10 s.`,
      );
    }
    const safe = step.horizon;

    if (!this.#ready) {
      // Until the first horizon is known there is no subscriber: only the starting point is set.
      if (step.known) {
        this.#horizon = safe;
        this.#ready = true;
      }
    } else if (safe > this.#horizon) {
      await this.#deliver(safe);
    }

    if (this.#watermarks.length && !this.#stopped) {
      if (this.#recheckTimer === undefined) {
        const delay = this.#recheckDelay;
        this.#recheckDelay = Math.min(500, delay * 2);
        this.#recheckTimer = setTimeout(() => {
          this.#recheckTimer = undefined;
          this.kick();
        }, delay);
      }
    } else {
      this.#recheckDelay = 20;
    }
  }

  /** Hands every event with id in (horizon, safe] to the subscribers of its project. */
  async #deliver(safe: number): Promise<void> {
    for (;;) {
      const want = [...this.#projects].filter(([, p]) => p.delivered < safe).map(([id]) => id);
      if (!want.length) break;
      let cursor = Math.min(...want.map((id) => this.#projects.get(id)!.delivered));
      for (;;) {
        const rows = await this.#sql<EventRow[]>`
          select id, project_id, run_id, type, data, created_at from events
          where id > ${cursor} and id <= ${safe} and project_id = any(${want}::int[])
          order by id limit ${this.#batch}`;
        const upTo = rows.length === this.#batch ? Number(rows[rows.length - 1].id) : safe;
        for (const row of rows) {
          const p = this.#projects.get(row.project_id);
          const id = Number(row.id);
          if (!p || id <= p.delivered) continue;
          const event: StudioEvent = {
            id,
            projectId: row.project_id,
            runId: row.run_id,
            type: row.type,
            data: row.data,
            createdAt: row.created_at.toISOString(),
          };
          for (const s of [...p.subs]) s._deliver(event);
        }
        for (const id of want) {
          const p = this.#projects.get(id);
          if (p && p.delivered < upTo) p.delivered = upTo;
        }
        cursor = upTo;
        if (upTo >= safe) break;
      }
    }
    // No await since the last check above: a project subscribed from now on starts at `safe`.
    this.#horizon = safe;
  }

  // --- LISTEN and the watchdog -----------------------------------------------------------------

  async #startListener(): Promise<void> {
    const listener = connect(this.#url, { max: 1, applicationName: this.#appName });
    this.#listener = listener;
    try {
      await listener.listen(this.channel, (payload) => this.#onNotify(payload), () => {
        if (this.#listener === listener) this.kick();
      });
    } catch (err) {
      if (this.#listener === listener) this.#listener = undefined;
      await listener.end({ timeout: 0 }).catch(() => {});
      throw err;
    }
  }

  #onNotify(payload: string): void {
    if (payload.startsWith("ping:")) {
      if (payload === this.#pingOutstanding) this.#pingOutstanding = null;
      return;
    }
    this.kick();
  }

  async #restartListener(): Promise<void> {
    if (this.#restarting || this.#stopped) return;
    this.#restarting = true;
    this.#stats.listenerRestarts++;
    this.#pingOutstanding = null;
    try {
      const old = this.#listener;
      this.#listener = undefined;
      old?.end({ timeout: 0 }).catch(() => {});
      await this.#startListener();
      this.kick(); // catch up: anything may have committed while no one listened
    } catch (err) {
      this.#log(`Live updates: LISTEN failed (${(err as Error).message}); retrying.`);
    } finally {
      this.#restarting = false;
    }
  }

  /** Sends a NOTIFY only this hub recognises; returns its token (cleared when it is heard). */
  #sendPing(): string {
    const token = `ping:${this.#hubId}:${++this.#pingCount}`;
    this.#pingOutstanding = token; // set first: the echo can arrive before the query resolves
    this.#sql`select pg_notify(${this.channel}, ${token})`.catch(() => {
      // Could not even send it (database unreachable): that says nothing about the listener.
      if (this.#pingOutstanding === token) this.#pingOutstanding = null;
    });
    return token;
  }

  #tick(): void {
    if (this.#stopped) return;
    if (this.#pingOutstanding || !this.#listener) this.#restartListener();
    else this.#sendPing();
    this.kick();
  }
}
