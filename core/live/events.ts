/**
 * The durable event log behind live updates. Every state change a creator should see writes one
 * row here in the same transaction as the change, and a NOTIFY on {@link EVENTS_CHANNEL} whose
 * payload is just the project id: listeners then read the rows after the last id they sent.
 * (Postgres folds identical payloads within a transaction, so a transaction touching one project
 * notifies once; the payload stays far below the 8000-byte limit.)
 */
import type { Sql, Tx } from "../db/client.ts";
import type { EventType, StudioEvent } from "../types.ts";

export const EVENTS_CHANNEL = "studio_events";

/** An event to append: its type and its type-specific data. */
export interface PendingEvent {
  type: EventType;
  data: Record<string, unknown>;
}

/**
 * Appends events of one project, in order, inside the caller's transaction, with one statement
 * that also sends the NOTIFY (delivered at commit). Returns their ids. The query is sent at once,
 * so callers may pipeline it with other statements of the transaction.
 */
export function appendEvents(
  tx: Tx | Sql,
  projectId: number,
  runId: number | null,
  events: PendingEvent[],
): Promise<number[]> {
  if (events.length === 0) return Promise.resolve([]);
  return tx<{ ids: string[] }[]>`
    with appended as (
      insert into events (project_id, run_id, type, data)
      select ${projectId}, ${runId}, e.value->>'type', e.value->'data'
      from jsonb_array_elements(${tx.json(events as never)}::jsonb) with ordinality as e(value, n)
      order by e.n
      returning id
    )
    select array(select id from appended order by id) as ids, pg_notify(${EVENTS_CHANNEL}, ${String(projectId)})`
    .then(([row]) => row.ids.map(Number));
}

/** Events of a project with ids greater than `afterId`, oldest first. */
export async function eventsAfter(sql: Sql, projectId: number, afterId: number, limit = 1000): Promise<StudioEvent[]> {
  const rows = await sql<
    {
      id: string;
      project_id: number;
      run_id: number | null;
      type: StudioEvent["type"];
      data: Record<string, unknown>;
      created_at: Date;
    }[]
  >`
    select id, project_id, run_id, type, data, created_at from events
    where project_id = ${projectId} and id > ${afterId}
    order by id limit ${limit}`;
  return rows.map((r) => ({
    id: Number(r.id),
    projectId: r.project_id,
    runId: r.run_id,
    type: r.type,
    data: r.data,
    createdAt: r.created_at.toISOString(),
  }));
}
