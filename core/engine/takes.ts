/**
 * Takes: every file a generation (or an upload) made for a scene part, with what it was made from.
 * A part shows one take (scene_parts.take_id); the newest `takesKept` takes of each part are kept,
 * plus the one shown if the creator picked an older one. Dropped takes' rows go in the same
 * transaction; their files are deleted by the caller after the commit (and, should that be missed,
 * by the media sweep, which deletes every file no take refers to).
 */
import type { Tx } from "../db/client.ts";
import { NotFoundError } from "../domain/errors.ts";
import type { AspectRatio, PartName } from "../types.ts";

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
 * Stores a take and drops the part's takes beyond the newest `keep` (never the one the part shows).
 * Returns the new take's id and the files of the dropped takes (media and thumbnails).
 */
export async function addTake(tx: Tx, take: NewTake, keep: number): Promise<{ takeId: number; dropped: string[] }> {
  const [{ id }] = await tx<{ id: string }[]>`
    insert into takes (sentence_id, kind, path, prompt, seed, source_take_id, aspect_ratio, clip_seconds,
      duration_ms, width, height, thumb_path, words, provider, elapsed_ms)
    values (${take.sentenceId}, ${take.kind}, ${take.path}, ${take.prompt}, ${take.seed}, ${take.sourceTakeId},
      ${take.aspectRatio}, ${take.clipSeconds ?? null}, ${take.durationMs ?? null}, ${take.width ?? null},
      ${take.height ?? null}, ${take.thumbPath ?? null}, ${take.words ? tx.json(take.words as never) : null},
      ${take.provider ?? null}, ${take.elapsedMs ?? null})
    returning id::text`;
  const takeId = Number(id);
  const dropped = await tx<{ path: string; thumb_path: string | null }[]>`
    delete from takes where id in (
      select t.id from takes t
      where t.sentence_id = ${take.sentenceId} and t.kind = ${take.kind} and t.id <> ${takeId}
        and t.id is distinct from (
          select p.take_id from scene_parts p where p.sentence_id = ${take.sentenceId} and p.kind = ${take.kind})
      order by t.id desc offset ${Math.max(0, keep - 1)})
    returning path, thumb_path`;
  return { takeId, dropped: dropped.flatMap((d) => d.thumb_path ? [d.path, d.thumb_path] : [d.path]) };
}

/**
 * Makes take `takeId` the one its part shows. The part must not be queued or running (a generation
 * would replace it), which the caller checks under the project lock. NotFoundError when the take
 * is not one of this sentence's.
 */
export async function selectTake(tx: Tx, sentenceId: number, kind: PartName, takeId: number): Promise<void> {
  const [take] = await tx`select 1 from takes where id = ${takeId} and sentence_id = ${sentenceId} and kind = ${kind}`;
  if (!take) throw new NotFoundError(`Scene ${sentenceId} has no ${kind} take with id ${takeId}.`);
  await tx`
    update scene_parts set take_id = ${takeId}, status = 'done', error = null, updated_at = now()
    where sentence_id = ${sentenceId} and kind = ${kind}`;
}
