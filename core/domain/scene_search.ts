/**
 * Finding a scene by its words in a project of any size (the storyboard renders only some of its
 * cards, so the browser's own find cannot see them all): the scenes whose narration contains the
 * words, in scene order, with the number the creator sees.
 */
import type { Sql } from "../db/client.ts";
import { InvalidInputError, NotFoundError } from "./errors.ts";

/** The longest search text, in characters. */
export const SEARCH_MAX_CHARS = 200;
/** The most scenes one search answers with. */
export const SEARCH_MAX_RESULTS = 50;

/** A scene found by a search. */
export interface SceneMatch {
  sentenceId: number;
  sectionId: number;
  /** The scene number the creator sees. */
  number: number;
  text: string;
}

/**
 * The first `limit` scenes of project `projectId` whose text contains `query` (case-insensitive,
 * taken literally: no wildcards), in scene order, and whether there are more. Throws
 * InvalidInputError for an empty or too long query or a bad limit, NotFoundError for a project that
 * does not exist.
 */
export async function searchScenes(
  sql: Sql,
  projectId: number,
  query: string,
  limit = 20,
): Promise<{ results: SceneMatch[]; more: boolean }> {
  const words = query.trim();
  if (!words) throw new InvalidInputError("q", "Type some words of the scene to search for.");
  if ([...words].length > SEARCH_MAX_CHARS) {
    throw new InvalidInputError("q", `Search for at most ${SEARCH_MAX_CHARS} characters of a scene's text.`);
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > SEARCH_MAX_RESULTS) {
    throw new InvalidInputError("limit", `The limit must be a whole number from 1 to ${SEARCH_MAX_RESULTS}.`);
  }
  const [project] = await sql`select 1 from projects where id = ${projectId}`;
  if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
  // strpos, not LIKE: the words are taken literally (a % or _ is just a character).
  const rows = await sql<{ id: number; section_id: number; number: number; text: string }[]>`
    select id, section_id, number, text from (
      select s.id, s.section_id, s.text, row_number() over (order by sec.position, s.position)::int as number
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId}
    ) numbered
    where strpos(lower(text), lower(${words})) > 0
    order by number
    limit ${limit + 1}`;
  return {
    results: rows.slice(0, limit).map((r) => ({
      sentenceId: r.id,
      sectionId: r.section_id,
      number: r.number,
      text: r.text,
    })),
    more: rows.length > limit,
  };
}
