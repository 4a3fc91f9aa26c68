/**
 * Scene parts as rows: reading a part's visible state (the `part_states` view), changing parts, and
 * the events that tell the pages. Every change to a part goes through {@link updateParts} inside a
 * transaction that holds the project lock ({@link lockProject}), so a project's parts change one
 * transaction at a time and their events come out in the order the changes were made.
 */
import type { Sql, Tx } from "../db/client.ts";
import type { PendingEvent } from "../live/events.ts";
import { mediaUrl } from "../../media/store.ts";
import type { AspectRatio, PartName, PartPhase, PartStatus, PartView, ScenesUpdate, SceneUpdate } from "../types.ts";

/** Locks a project row for a state change; null when the project does not exist. */
export async function lockProject(
  tx: Tx,
  projectId: number,
): Promise<{ aspectRatio: AspectRatio; clipSeconds: number } | null> {
  const [row] = await tx<{ aspect_ratio: AspectRatio; clip_seconds: number }[]>`
    select aspect_ratio, clip_seconds from projects where id = ${projectId} for no key update`;
  return row ? { aspectRatio: row.aspect_ratio, clipSeconds: row.clip_seconds } : null;
}

/** Locks the project of a sentence; returns the project id, or null when the sentence does not exist. */
export async function lockProjectOfSentence(tx: Tx, sentenceId: number): Promise<number | null> {
  const [row] = await tx<{ id: number }[]>`
    select id from projects where id = (select project_id from sentences where id = ${sentenceId})
    for no key update`;
  return row?.id ?? null;
}

/** A row of the `part_states` view. */
export interface PartStateRow {
  sentence_id: number;
  kind: PartName;
  project_id: number;
  status: PartStatus;
  run_id: number | null;
  attempts: number;
  error: string | null;
  phase: PartPhase | null;
  retry_at: Date | null;
  chain: boolean;
  updated_at: Date;
  take_id: string | null;
  path: string | null;
  thumb_path: string | null;
  take_prompt: string | null;
  seed: string | null;
  duration_ms: number | null;
  take_created_at: Date | null;
  take_count: number;
  outdated: boolean;
}

/** A part's state as the API shows it. */
export function toPartView(row: PartStateRow): PartView {
  const url = mediaUrl(row.path);
  return {
    status: row.status,
    url,
    thumbUrl: mediaUrl(row.thumb_path),
    error: row.error,
    attempts: row.attempts,
    updatedAt: row.updated_at.toISOString(),
    phase: row.phase,
    retryAt: row.retry_at?.toISOString() ?? null,
    durationMs: row.take_id === null ? null : row.duration_ms,
    take: row.take_id === null || url === null ? null : {
      id: Number(row.take_id),
      url,
      thumbUrl: mediaUrl(row.thumb_path),
      prompt: row.take_prompt ?? "",
      seed: row.seed === null ? null : Number(row.seed),
      durationMs: row.duration_ms,
      createdAt: row.take_created_at!.toISOString(),
    },
    takes: row.take_count,
    outdated: row.outdated,
  };
}

/** The state of one kind of part of several sentences. */
export async function readParts(sql: Sql | Tx, kind: PartName, sentenceIds: number[]): Promise<PartStateRow[]> {
  if (sentenceIds.length === 0) return [];
  return await sql<PartStateRow[]>`
    select * from part_states where kind = ${kind} and sentence_id = any(${sentenceIds}::int[])`;
}

/** Changes to parts; unset fields keep their value. */
export interface PartChanges {
  status: PartStatus;
  runId?: number;
  error?: string | null;
  attempts?: number;
  takeId?: number | null;
  phase?: PartPhase | null;
  retryAt?: Date | null;
  chain?: boolean;
  /**
   * The job that makes the part when it is not its own (a section's narration job); null: its own.
   * Leaving a queued/running state always clears it.
   */
  madeBy?: string | null;
}

/**
 * Applies `changes` to one kind of part of many sentences with one statement, inside the caller's
 * transaction (which holds the project lock). Leaving a queued/running state clears the phase and
 * retry time unless the change sets them, and always clears `made_by_job`. The statement is sent at
 * once (in call order), so callers may pipeline it with the statements that follow.
 */
export function updateParts(tx: Tx, kind: PartName, sentenceIds: number[], changes: PartChanges): Promise<unknown> {
  if (sentenceIds.length === 0) return Promise.resolve();
  const live = changes.status === "queued" || changes.status === "running";
  return tx`
    update scene_parts set
      status = ${changes.status},
      run_id = coalesce(${changes.runId ?? null}::int, run_id),
      error = ${changes.error === undefined ? tx`error` : changes.error},
      attempts = coalesce(${changes.attempts ?? null}::int, attempts),
      take_id = ${changes.takeId === undefined ? tx`take_id` : changes.takeId},
      phase = ${changes.phase !== undefined ? changes.phase : live ? tx`phase` : null},
      retry_at = ${changes.retryAt !== undefined ? changes.retryAt : live ? tx`retry_at` : null},
      chain = coalesce(${changes.chain ?? null}::boolean, chain),
      made_by_job = ${!live ? null : changes.madeBy !== undefined ? changes.madeBy : tx`made_by_job`},
      updated_at = now()
    where kind = ${kind} and sentence_id = any(${sentenceIds}::int[])`.execute();
}

/**
 * Changes one part and returns its `scene.updated` event, built from the state after the change.
 * The read is pipelined behind the update (Postgres runs them in order), so it costs one round trip.
 */
export async function updatePart(
  tx: Tx,
  kind: PartName,
  sentenceId: number,
  changes: PartChanges,
  extra: Partial<SceneUpdate> = {},
): Promise<PendingEvent> {
  const [, [row]] = await Promise.all([
    updateParts(tx, kind, [sentenceId], changes),
    readParts(tx, kind, [sentenceId]),
  ]);
  return partEvent(row, extra);
}

/** A `scene.updated` event carrying the whole state of one part. */
export function partEvent(row: PartStateRow, extra: Partial<SceneUpdate> = {}): PendingEvent {
  const update: SceneUpdate = { sentenceId: row.sentence_id, part: row.kind, ...toPartView(row), ...extra };
  return { type: "scene.updated", data: update as unknown as Record<string, unknown> };
}

/**
 * The same change to one kind of part of many scenes as ONE `scenes.updated` event (queued or
 * cancelled by a run: every listed part takes these fields and keeps its take), so the number of
 * event rows does not grow with the project.
 */
export function bulkEvent(kind: PartName, sentenceIds: number[], changes: PartChanges): PendingEvent {
  const update: ScenesUpdate = { part: kind, sentenceIds, status: changes.status, phase: changes.phase ?? null };
  if (changes.error !== undefined) update.error = changes.error;
  if (changes.attempts !== undefined) update.attempts = changes.attempts;
  return { type: "scenes.updated", data: update as unknown as Record<string, unknown> };
}

/**
 * Applies the same change to many parts of possibly several kinds (one statement per kind, sent at
 * once and pipelined) and returns one `scenes.updated` event per kind right away, with `done`: the
 * statements' completion, which the caller must await (or pass on as in-flight writes, see
 * afterPartChange in ./run_summary.ts) before it commits.
 */
export function startPartsUpdate(
  tx: Tx,
  parts: { part: PartName; sentenceId: number }[],
  changes: PartChanges,
): { events: PendingEvent[]; done: Promise<unknown> } {
  const events: PendingEvent[] = [];
  const writes: Promise<unknown>[] = [];
  for (const kind of ["image", "video", "audio"] as const) {
    const ids = parts.filter((p) => p.part === kind).map((p) => p.sentenceId);
    if (ids.length === 0) continue;
    writes.push(updateParts(tx, kind, ids, changes));
    events.push(bulkEvent(kind, ids, changes));
  }
  return { events, done: Promise.all(writes) };
}

/**
 * Applies the same change to many parts of possibly several kinds (one statement per kind) and
 * returns one `scenes.updated` event per kind.
 */
export async function updatePartsWithEvents(
  tx: Tx,
  parts: { part: PartName; sentenceId: number }[],
  changes: PartChanges,
): Promise<PendingEvent[]> {
  const { events, done } = startPartsUpdate(tx, parts, changes);
  await done;
  return events;
}
