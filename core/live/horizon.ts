/**
 * The commit horizon of the event log: the highest event id below which nothing can still appear.
 * (Why it is needed and why it is correct: see the module documentation of ./hub.ts.)
 *
 * This module holds the one read of the two facts it is computed from — the events sequence's
 * last value and the transactions holding a write lock on `events` — and the pure step that turns
 * successive reads into a horizon, so the step can be tested table by table.
 */
import type { Sql } from "../db/client.ts";

/** What one read of the database says about the event log. */
export interface HorizonFacts {
  /** The highest id handed out so far (committed or not). */
  lastId: number;
  /** `pid:virtualtransaction` of the other transactions holding a write lock on `events`. */
  holders: Set<string>;
}

/** Transactions that wrote events and were open when `lastId` was read. */
export interface Watermark {
  lastId: number;
  holders: Set<string>;
  /** When it was first seen (ms, performance.now()). */
  since: number;
  /** Whether it was already reported as open for too long. */
  warned: boolean;
}

/** The horizon and the watermarks still open. */
export interface HorizonState {
  horizon: number;
  watermarks: Watermark[];
}

/** The result of one {@link advanceHorizon} step. */
export interface HorizonStep extends HorizonState {
  /** Whether every id up to `horizon` is known final (false only while nothing was ever resolved). */
  known: boolean;
  /** A watermark open for longer than the warning threshold, reported once. */
  stale?: Watermark;
}

/** Watermarks kept at most: dropping the oldest only delays progress, it never breaks the guarantee. */
const MAX_WATERMARKS = 64;
/** An event-writing transaction open for longer than this is reported (ms). */
export const STALE_AFTER_MS = 10_000;

/**
 * One step of the horizon: with no writer open every id up to `lastId` is final; otherwise the
 * newest remembered watermark whose transactions have all ended moves the horizon to its `lastId`,
 * and the current (lastId, holders) pair is remembered unless it is the same as the newest one.
 * Pure: the caller stores the returned state.
 *
 * @example
 * let s = { horizon: 0, watermarks: [] };
 * s = advanceHorizon(s, { lastId: 5, holders: new Set(["7:1/2"]) }, 0); // horizon 0, one watermark
 * s = advanceHorizon(s, { lastId: 9, holders: new Set(["8:1/3"]) }, 1); // 7:1/2 ended: horizon 5
 */
export function advanceHorizon(state: HorizonState, facts: HorizonFacts, now: number): HorizonStep {
  if (facts.holders.size === 0) {
    return { horizon: Math.max(state.horizon, facts.lastId), watermarks: [], known: true };
  }
  let horizon = state.horizon;
  let watermarks = state.watermarks;
  let resolved = -1;
  watermarks.forEach((w, i) => {
    if (![...w.holders].some((h) => facts.holders.has(h))) resolved = i;
  });
  if (resolved >= 0) {
    horizon = Math.max(horizon, watermarks[resolved].lastId);
    watermarks = watermarks.slice(resolved + 1);
  }
  const last = watermarks.at(-1);
  if (!last || last.lastId !== facts.lastId || !sameSet(last.holders, facts.holders)) {
    watermarks = [...watermarks, { lastId: facts.lastId, holders: facts.holders, since: now, warned: false }];
    if (watermarks.length > MAX_WATERMARKS) watermarks = watermarks.slice(1);
  }
  const step: HorizonStep = { horizon, watermarks, known: resolved >= 0 };
  const oldest = watermarks[0];
  if (!oldest.warned && now - oldest.since > STALE_AFTER_MS) {
    step.stale = { ...oldest, warned: true };
    step.watermarks = [step.stale, ...watermarks.slice(1)];
  }
  return step;
}

/** The events table's id sequence, checked to hand out ids in order (CACHE 1). */
export async function eventsSequence(sql: Sql): Promise<string> {
  const [seq] = await sql<{ name: string | null; cache: string | null }[]>`
    select pg_get_serial_sequence('events', 'id') as name,
           (select seqcache from pg_sequence where seqrelid = pg_get_serial_sequence('events', 'id')::regclass)
             as cache`;
  if (!seq?.name) throw new Error("The events table has no id sequence: run the migrations first.");
  if (Number(seq.cache) !== 1) {
    throw new Error(
      `The sequence ${seq.name} caches ${seq.cache} values per session; live updates need CACHE 1 so that ids are handed out in order.`,
    );
  }
  return seq.name;
}

/**
 * Reads the horizon facts in one round trip. Order matters: the sequence first, then the lock
 * holders (an id not final when the sequence was read belongs to a transaction already holding
 * the lock, so it is among the holders read after).
 */
export async function readHorizonFacts(sql: Sql, sequence: string): Promise<HorizonFacts> {
  const [seqRows, lockRows] = await sql.unsafe(`
    select last_value, is_called from ${sequence};
    select coalesce(pid, 0) || ':' || virtualtransaction as holder from pg_locks
     where locktype = 'relation'
       and database = (select oid from pg_database where datname = current_database())
       and relation = 'events'::regclass
       and mode in ('RowExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
       and pid is distinct from pg_backend_pid()`) as unknown as [
    { last_value: string; is_called: boolean }[],
    { holder: string }[],
  ];
  return { lastId: lastIdOf(seqRows[0]), holders: new Set(lockRows.map((r) => r.holder)) };
}

/** The highest id a sequence handed out, from its `last_value` and `is_called`. */
export function lastIdOf(row: { last_value: string; is_called: boolean }): number {
  return row.is_called ? Number(row.last_value) : Number(row.last_value) - 1;
}

/** The highest event id handed out so far (committed or not). */
export async function latestEventId(sql: Sql, sequence: string): Promise<number> {
  const [row] = await sql.unsafe<{ last_value: string; is_called: boolean }[]>(
    `select last_value, is_called from ${sequence}`,
  );
  return lastIdOf(row);
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
