/**
 * The durable event log behind live updates. Every state change a creator should see writes one
 * row here in the same transaction as the change, and a NOTIFY on {@link EVENTS_CHANNEL} whose
 * payload is just the project id: listeners then read the rows after the last id they sent.
 * (Postgres folds identical payloads within a transaction, so a transaction touching one project
 * notifies once; the payload stays far below the 8000-byte limit.)
 */
import type { Sql, Tx } from "./db.ts";
import type { EventType, StudioEvent } from "./types.ts";

export const EVENTS_CHANNEL = "studio_events";

/** Appends an event (inside the caller's transaction) and notifies listeners at commit. */
export async function recordEvent(
  tx: Tx | Sql,
  event: { projectId: number; runId: number | null; type: EventType; data: Record<string, unknown> },
): Promise<number> {
  const [row] = await tx<{ id: string }[]>`
    insert into events (project_id, run_id, type, data)
    values (${event.projectId}, ${event.runId}, ${event.type}, ${tx.json(event.data as never)})
    returning id`;
  await tx`select pg_notify(${EVENTS_CHANNEL}, ${String(event.projectId)})`;
  return Number(row.id);
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
