/**
 * The media a project shows right now: the current take of every part of every scene, in scene
 * order, with the scene numbers a creator sees. What the project's zip holds.
 */
import type { Sql } from "../db/client.ts";
import type { PartName } from "../types.ts";
import { NotFoundError } from "./errors.ts";

/** One current take of a project. */
export interface CurrentMedia {
  /** 1-based scene number in the project. */
  number: number;
  part: PartName;
  /** Media path relative to the media folder. */
  path: string;
  createdAt: Date;
}

/**
 * The current takes of a project's scenes (image, video, narration), in scene order, images
 * first within a scene. Scenes without any take are numbered all the same, so numbers match the
 * storyboard. NotFoundError for an unknown project.
 */
export async function currentMedia(sql: Sql, projectId: number): Promise<{ title: string; media: CurrentMedia[] }> {
  const [project] = await sql<{ title: string }[]>`select title from projects where id = ${projectId}`;
  if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
  const rows = await sql<{ number: number; part: PartName; path: string; created_at: Date }[]>`
    with numbered as (
      select s.id, row_number() over (order by sec.position, s.position)::int as number
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId}
    )
    select n.number, sp.kind as part, t.path, t.created_at
    from numbered n
    join scene_parts sp on sp.sentence_id = n.id
    join takes t on t.id = sp.take_id
    order by n.number, array_position(array['image', 'video', 'audio'], sp.kind)`;
  return {
    title: project.title,
    media: rows.map((r) => ({ number: r.number, part: r.part, path: r.path, createdAt: r.created_at })),
  };
}
