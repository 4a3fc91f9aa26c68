/**
 * The point in the event log a server render is consistent with, for processes without an event
 * hub. No HTTP, no Preact.
 */
import type { Sql } from "../db/client.ts";
import { eventsSequence, readHorizonFacts } from "./horizon.ts";

/**
 * An event id every event up to which is final (committed, or rolled back for good), read straight
 * from the database — for processes without an event hub (whose `cursor()` is the same thing).
 * State read after this call includes every event up to it, so a page hands it to its stream as
 * `lastEventId`: nothing between the render and the connection is missed, and events replayed twice
 * are harmless (each carries the whole new state of what it describes).
 *
 * How: the horizon facts (./horizon.ts): the events sequence's `last_value`, then the transactions
 * holding a write lock on `events`. Without such a transaction every id up to
 * `last_value` is final. While one is open, wait a little for it (event-writing transactions last
 * milliseconds); if it does not end, fall back to the highest id older than `fallbackAgeMs` — an
 * overlap that only costs a few replayed events.
 */
export async function eventCursor(
  sql: Sql,
  options: { waitMs?: number; fallbackAgeMs?: number } = {},
): Promise<number> {
  const deadline = performance.now() + (options.waitMs ?? 200);
  const sequence = await eventsSequence(sql);
  for (;;) {
    const { lastId, holders } = await readHorizonFacts(sql, sequence);
    if (holders.size === 0) return lastId;
    if (performance.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [row] = await sql<{ id: string | null }[]>`
    select max(id)::text as id from events
    where created_at < now() - make_interval(secs => ${(options.fallbackAgeMs ?? 10_000) / 1000})`;
  return Number(row?.id ?? 0);
}
