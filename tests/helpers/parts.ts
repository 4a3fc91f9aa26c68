/**
 * Test set-up for scene parts: puts a part into a given state directly in the database (what a
 * crash, an old version or an admin could have left), creating a take when a media path is given.
 */
import type { Sql } from "../../core/db/client.ts";
import type { PartName, PartStatus } from "../../core/types.ts";

export interface PartState {
  status?: PartStatus;
  error?: string | null;
  attempts?: number;
  /** A media path relative to the media folder: stored as a new current take. Null: no take. */
  path?: string | null;
}

/** Sets one part of one sentence. */
export async function setPart(sql: Sql, sentenceId: number, kind: PartName, state: PartState): Promise<void> {
  let takeId: number | null | undefined;
  if (state.path === null) takeId = null;
  else if (state.path !== undefined) {
    const [take] = await sql<{ id: string }[]>`
      insert into takes (sentence_id, kind, path, prompt, aspect_ratio, clip_seconds, source_take_id)
      select s.id, ${kind}, ${state.path},
        case ${kind} when 'image' then s.image_prompt when 'video' then s.video_prompt else s.text end,
        p.aspect_ratio, p.clip_seconds,
        case when ${kind} = 'video' then (select take_id from scene_parts where sentence_id = s.id and kind = 'image') end
      from sentences s join projects p on p.id = s.project_id where s.id = ${sentenceId}
      returning id::text`;
    takeId = Number(take.id);
  }
  await sql`
    update scene_parts set
      status = coalesce(${state.status ?? null}::text, status),
      error = ${state.error === undefined ? sql`error` : state.error},
      attempts = coalesce(${state.attempts ?? null}::int, attempts),
      take_id = ${takeId === undefined ? sql`take_id` : takeId},
      updated_at = now()
    where sentence_id = ${sentenceId} and kind = ${kind}`;
}
