/**
 * Takes: every file a generation (or an upload) made for a scene part, with what it was made from.
 * A part shows one take (scene_parts.take_id); the newest `takesKept` takes of each part are kept
 * (a new take is always the one shown once it is stored). Dropped takes' rows go in the same
 * transaction; their files are deleted by the caller after the commit (and, should that be missed,
 * by the media sweep, which deletes every file no take refers to).
 */
import type { Sql, Tx } from "../db/client.ts";
import { ConflictError, NotFoundError } from "../domain/errors.ts";
import { appendEvents } from "../live/events.ts";
import { mediaUrl } from "../../media/store.ts";
import type { AspectRatio, PartName, PartView, TakeView } from "../types.ts";
import { lockProjectOfSentence, partEvent, readParts, toPartView, updatePart } from "./parts.ts";

/** What a new take records. */
export interface NewTake {
  sentenceId: number;
  kind: PartName;
  /** Media path relative to the media folder. */
  path: string;
  prompt: string;
  seed: number | null;
  aspectRatio: AspectRatio;
  /** A video's source image take. */
  sourceTakeId: number | null;
  /** The clip length the take was made for (videos), in seconds. */
  clipSeconds?: number | null;
  durationMs?: number | null;
  width?: number | null;
  height?: number | null;
  thumbPath?: string | null;
  words?: { text: string; startMs: number; endMs: number }[] | null;
  provider?: string | null;
  elapsedMs?: number | null;
}

/**
 * Stores a take (the caller makes it the one shown) and drops the part's takes beyond the newest
 * `keep`. Returns the new take's id and the files of the dropped takes (media and thumbnails).
 */
export async function addTake(tx: Tx, take: NewTake, keep: number): Promise<{ takeId: number; dropped: string[] }> {
  // The delete is pipelined behind the insert (one round trip): Postgres runs them in order, so it
  // counts the new take among the newest `keep`.
  const [[{ id }], dropped] = await Promise.all([
    tx<{ id: string }[]>`
      insert into takes (sentence_id, kind, path, prompt, seed, source_take_id, aspect_ratio, clip_seconds,
        duration_ms, width, height, thumb_path, words, provider, elapsed_ms)
      values (${take.sentenceId}, ${take.kind}, ${take.path}, ${take.prompt}, ${take.seed}, ${take.sourceTakeId},
        ${take.aspectRatio}, ${take.clipSeconds ?? null}, ${take.durationMs ?? null}, ${take.width ?? null},
        ${take.height ?? null}, ${take.thumbPath ?? null}, ${take.words ? tx.json(take.words as never) : null},
        ${take.provider ?? null}, ${take.elapsedMs ?? null})
      returning id::text`,
    // The new take becomes the one shown, so the newest `keep` (it included) are the ones to keep.
    tx<{ path: string; thumb_path: string | null }[]>`
      delete from takes where id in (
        select t.id from takes t
        where t.sentence_id = ${take.sentenceId} and t.kind = ${take.kind}
        order by t.id desc offset ${Math.max(1, keep)})
      returning path, thumb_path`,
  ]);
  const takeId = Number(id);
  return { takeId, dropped: dropped.flatMap((d) => d.thumb_path ? [d.path, d.thumb_path] : [d.path]) };
}

/** Every kept take of a sentence, newest first, per part. NotFoundError for an unknown sentence. */
export async function listTakes(sql: Sql, sentenceId: number): Promise<Record<PartName, TakeView[]>> {
  const [sentence] = await sql`select 1 from sentences where id = ${sentenceId}`;
  if (!sentence) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
  const rows = await sql<
    {
      id: string;
      kind: PartName;
      path: string;
      thumb_path: string | null;
      prompt: string;
      seed: string | null;
      duration_ms: number | null;
      created_at: Date;
    }[]
  >`
    select id::text, kind, path, thumb_path, prompt, seed::text, duration_ms, created_at
    from takes where sentence_id = ${sentenceId} order by id desc`;
  const out: Record<PartName, TakeView[]> = { image: [], video: [], audio: [] };
  for (const r of rows) {
    out[r.kind].push({
      id: Number(r.id),
      url: mediaUrl(r.path)!,
      thumbUrl: mediaUrl(r.thumb_path),
      prompt: r.prompt,
      seed: r.seed === null ? null : Number(r.seed),
      durationMs: r.duration_ms,
      createdAt: r.created_at.toISOString(),
    });
  }
  return out;
}

/**
 * Makes take `takeId` the one its part shows (the creator picked an earlier take), and tells the
 * open pages (`scene.updated`). ConflictError while the part is being generated (the new take
 * would replace the pick); NotFoundError when the take is not one of this sentence's.
 */
export async function chooseTake(sql: Sql, sentenceId: number, kind: PartName, takeId: number): Promise<PartView> {
  return await sql.begin(async (tx) => {
    const projectId = await lockProjectOfSentence(tx, sentenceId);
    if (projectId === null) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
    const [part] = await tx<{ status: string }[]>`
      select status from scene_parts where sentence_id = ${sentenceId} and kind = ${kind}`;
    if (part.status === "queued" || part.status === "running") {
      throw new ConflictError(`The ${kind} of this scene is being generated: pick a take when it is done.`);
    }
    const [take] =
      await tx`select 1 from takes where id = ${takeId} and sentence_id = ${sentenceId} and kind = ${kind}`;
    if (!take) throw new NotFoundError(`This scene has no ${kind} take with id ${takeId}.`);
    const event = await updatePart(tx, kind, sentenceId, { status: "done", error: null, takeId });
    await appendEvents(tx, projectId, null, [event]);
    return toPartView((await readParts(tx, kind, [sentenceId]))[0]);
  });
}

/** Where take `takeId`'s file is, for work on it outside a transaction; null when it is gone. */
export async function takeFile(
  sql: Sql,
  takeId: number,
): Promise<{ path: string; thumbPath: string | null; part: PartName; sentenceId: number; projectId: number } | null> {
  const [row] = await sql<
    { path: string; thumb_path: string | null; kind: PartName; sentence_id: number; project_id: number }[]
  >`
    select t.path, t.thumb_path, t.kind, t.sentence_id, s.project_id
    from takes t join sentences s on s.id = t.sentence_id where t.id = ${takeId}`;
  return row
    ? {
      path: row.path,
      thumbPath: row.thumb_path,
      part: row.kind,
      sentenceId: row.sentence_id,
      projectId: row.project_id,
    }
    : null;
}

/**
 * Stores a take's thumbnail (relative media path) unless it has one or the take is gone (then
 * false: the caller deletes the file). When the take is the one its part shows, the open pages get
 * a `scene.updated` event.
 */
export async function attachThumbnail(sql: Sql, takeId: number, thumbPath: string): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const [take] = await tx<{ sentence_id: number; kind: PartName }[]>`
      select sentence_id, kind from takes where id = ${takeId}`;
    if (!take) return false;
    const projectId = await lockProjectOfSentence(tx, take.sentence_id);
    if (projectId === null) return false;
    const [updated] = await tx`
      update takes set thumb_path = ${thumbPath} where id = ${takeId} and thumb_path is null returning id`;
    if (!updated) return false;
    const [part] = await readParts(tx, take.kind, [take.sentence_id]);
    if (part && Number(part.take_id) === takeId) await appendEvents(tx, projectId, null, [partEvent(part)]);
    return true;
  });
}

/**
 * Keeps only the newest `keep` takes of every part (never the one a part shows) — an admin's
 * clean-up after lowering TAKES_KEPT. Returns the files of the deleted takes, to delete after the
 * commit.
 */
export async function pruneTakes(sql: Sql, keep: number): Promise<string[]> {
  const rows = await sql<{ path: string; thumb_path: string | null }[]>`
    delete from takes where id in (
      select t.id from (
        select t.id, t.sentence_id, t.kind,
          row_number() over (partition by t.sentence_id, t.kind order by t.id desc) as newest
        from takes t
      ) t
      join scene_parts p on p.sentence_id = t.sentence_id and p.kind = t.kind
      where t.newest > ${Math.max(1, keep)} and t.id is distinct from p.take_id
    )
    returning path, thumb_path`;
  return rows.flatMap((r) => r.thumb_path ? [r.path, r.thumb_path] : [r.path]);
}
