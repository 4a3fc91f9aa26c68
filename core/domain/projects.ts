/**
 * Projects and their storyboard: create from a script, list, read, change settings, delete. No
 * HTTP here; routes and tasks call these with a postgres.js client. (Editing sentences and
 * sections: ./sentences.ts and ./sections.ts; the project list: ./project_list.ts.)
 */
import type { Sql, Tx } from "../db/client.ts";
import { lockProject, type PartStateRow, toPartView } from "../engine/parts.ts";
import { cancelRun, withdrawScenes } from "../engine/runs.ts";
import { withdrawExports } from "../exports/exports.ts";
import { appendEvents } from "../live/events.ts";
import { InvalidInputError, NotFoundError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { type ParsedSection, splitScript } from "./script_import.ts";
import { splitScriptOffThread } from "./script_import_thread.ts";
import type { AspectRatio, ProjectSummary, ProjectView, SectionView, SentenceView } from "../types.ts";

/** Input of {@link createProject}. */
export interface NewProject {
  title: string;
  script: string;
  aspectRatio?: AspectRatio;
}

/** Ids and counts of a created project. */
export interface CreatedProject {
  id: number;
  sectionCount: number;
  sentenceCount: number;
}

/**
 * Stores a project with the sections and sentences split from its script, in one transaction.
 * Each sentence's image prompt starts as its own text; the video prompt starts empty (it is
 * written when the video is generated).
 */
export async function createProject(sql: Sql, input: NewProject): Promise<CreatedProject> {
  // Split before the transaction, and off the event loop for long scripts (script_import_thread.ts).
  const sections = await splitScriptOffThread(input.script, { maxSentences: LIMITS.sentencesPerProject });
  return await sql.begin((tx) => insertProject(tx, input, sections));
}

/** {@link createProject} inside a transaction the caller owns (`sections`: the script already split). */
export async function insertProject(
  tx: Tx,
  input: NewProject,
  sections: ParsedSection[] = splitScript(input.script),
): Promise<CreatedProject> {
  const sentenceCount = sections.reduce((n, s) => n + s.sentences.length, 0);
  if (sentenceCount === 0) {
    throw new InvalidInputError(
      "script",
      "The script has no sentences: paste the narration text to split into scenes.",
    );
  }
  if (sentenceCount > LIMITS.sentencesPerProject) {
    throw new InvalidInputError(
      "script",
      `The script has ${sentenceCount} sentences; a project can hold at most ${LIMITS.sentencesPerProject}. Split it into several projects.`,
    );
  }
  {
    const [project] = await tx<{ id: number }[]>`
      insert into projects (title, aspect_ratio)
      values (${input.title.trim()}, ${input.aspectRatio ?? "16:9"})
      returning id`;
    const sectionRows = await tx<{ id: number; position: number }[]>`
      insert into sections ${tx(sections.map((s, position) => ({ project_id: project.id, position, title: s.title })))}
      returning id, position`;
    const sectionIds = new Map(sectionRows.map((r) => [r.position, r.id]));
    const rows = sections.flatMap((s, sectionPosition) =>
      s.sentences.map((text, position) => ({
        project_id: project.id,
        section_id: sectionIds.get(sectionPosition)!,
        position,
        text,
        image_prompt: text.slice(0, LIMITS.promptChars),
      }))
    );
    // Small batches: one statement of 2,000 long sentences took postgres.js ~100 ms of the event
    // loop to build; 250 rows take ~15 ms (and stay far below Postgres' 65535 parameters).
    for (let i = 0; i < rows.length; i += 250) {
      await tx`insert into sentences ${tx(rows.slice(i, i + 250))}`;
    }
    return { id: project.id, sectionCount: sections.length, sentenceCount };
  }
}

/** One project's summary (title, settings, counts); NotFoundError when there is none. */
export async function projectSummary(sql: Sql | Tx, projectId: number): Promise<ProjectSummary> {
  const [row] = await sql<ProjectRow[]>`
    select p.*,
      (select count(*)::int from sections s where s.project_id = p.id) as section_count,
      (select count(*)::int from sentences s where s.project_id = p.id) as sentence_count
    from projects p where p.id = ${projectId}`;
  if (!row) throw new NotFoundError(`There is no project with id ${projectId}.`);
  return toSummary(row);
}

/** One project with its sections and sentences in order; NotFoundError when there is none. */
export async function getProject(sql: Sql, projectId: number): Promise<ProjectView> {
  const summary = await projectSummary(sql, projectId);
  const sectionRows = await sql<{ id: number; position: number; title: string | null }[]>`
    select id, position, title from sections where project_id = ${projectId} order by position`;
  const sentenceRows = await sql<SentenceRow[]>`
    select s.id, s.project_id, s.section_id, s.position, s.text, s.image_prompt, s.video_prompt,
      ${partsJson(sql)} as parts
    from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${projectId}
    order by sec.position, s.position`;
  const sections = new Map<number, SectionView>(
    sectionRows.map((s) => [s.id, { id: s.id, position: s.position, title: s.title, sentences: [] }]),
  );
  sentenceRows.forEach((r, index) => sections.get(r.section_id)!.sentences.push(toSentence(r, index + 1)));
  return { ...summary, sections: [...sections.values()] };
}

/** Reads one sentence as the API shows it. */
export async function getSentence(sql: Sql | Tx, sentenceId: number): Promise<SentenceView> {
  const [row] = await sql<SentenceRow[]>`
    select s.id, s.project_id, s.section_id, s.position, s.text, s.image_prompt, s.video_prompt,
      ${partsJson(sql)} as parts
    from sentences s where s.id = ${sentenceId}`;
  if (!row) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
  return toSentence(row, await sentenceNumber(sql, row));
}

/**
 * Reads several sentences of one project as the API shows them, in the order of `sentenceIds`
 * (unknown ids are left out): one query, however many (the numbers come from one pass over the
 * project's sentences, not a count per sentence).
 */
export async function getSentences(sql: Sql | Tx, projectId: number, sentenceIds: number[]): Promise<SentenceView[]> {
  if (sentenceIds.length === 0) return [];
  const rows = await sql<(SentenceRow & { number: number })[]>`
    with numbered as (
      select s.id, row_number() over (order by sec.position, s.position)::int as number
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId}
    )
    select s.id, s.project_id, s.section_id, s.position, s.text, s.image_prompt, s.video_prompt,
      ${partsJson(sql)} as parts, n.number
    from sentences s join numbered n on n.id = s.id
    where s.id = any(${sentenceIds}::int[])
    order by array_position(${sentenceIds}::int[], s.id)`;
  return rows.map((row) => toSentence(row, row.number));
}

async function sentenceNumber(sql: Sql | Tx, row: SentenceRow): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${row.project_id}
      and (sec.position, s.position) <= (select sec2.position, ${row.position}::int
                                          from sections sec2 where sec2.id = ${row.section_id})`;
  return n;
}

/**
 * SQL: the three parts of sentence `s` as one JSON array of part_states rows (one query for a
 * whole storyboard, however many scenes).
 */
function partsJson(sql: Sql | Tx) {
  return sql`(select json_agg(ps) from part_states ps where ps.sentence_id = s.id)`;
}

/** A projects row with its counts, as the summary queries read it. */
export interface ProjectRow {
  id: number;
  title: string;
  aspect_ratio: AspectRatio;
  clip_seconds: number;
  created_at: Date;
  updated_at: Date;
  section_count: number;
  sentence_count: number;
}

/** A sentence with its parts' states, as the queries above return it. */
export interface SentenceRow {
  id: number;
  project_id: number;
  section_id: number;
  position: number;
  text: string;
  image_prompt: string;
  video_prompt: string;
  /** part_states rows as JSON (dates are strings there). */
  parts: (Omit<PartStateRow, "updated_at" | "retry_at" | "take_created_at"> & {
    updated_at: string;
    retry_at: string | null;
    take_created_at: string | null;
  })[];
}

/** Shapes a project row (with its counts) for the API. */
export function toSummary(row: ProjectRow): ProjectSummary {
  return {
    id: row.id,
    title: row.title,
    aspectRatio: row.aspect_ratio,
    clipSeconds: row.clip_seconds,
    sectionCount: row.section_count,
    sentenceCount: row.sentence_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Shapes a sentence row for the API; `number` is its 1-based place in the project. */
export function toSentence(row: SentenceRow, number: number): SentenceView {
  const parts = new Map(row.parts.map((p) => [
    p.kind,
    toPartView({
      ...p,
      updated_at: new Date(p.updated_at),
      retry_at: p.retry_at === null ? null : new Date(p.retry_at),
      take_created_at: p.take_created_at === null ? null : new Date(p.take_created_at),
    }),
  ]));
  return {
    id: row.id,
    projectId: row.project_id,
    sectionId: row.section_id,
    number,
    text: row.text,
    imagePrompt: row.image_prompt,
    videoPrompt: row.video_prompt,
    image: parts.get("image")!,
    video: parts.get("video")!,
    audio: parts.get("audio")!,
  };
}

/** Changes to a project's settings; unset fields keep their value. */
export interface ProjectChanges {
  title?: string;
  aspectRatio?: AspectRatio;
  /** Clip length of scenes without narration, seconds. */
  clipSeconds?: number;
}

/**
 * Renames a project or changes its settings; media made for the old aspect ratio or clip length
 * shows as out of date. Writes `project.updated`. Returns the summary.
 */
export async function updateProject(sql: Sql, projectId: number, changes: ProjectChanges): Promise<ProjectSummary> {
  return await sql.begin(async (tx) => {
    if (!(await lockProject(tx, projectId))) throw new NotFoundError(`There is no project with id ${projectId}.`);
    await tx`
      update projects set
        title = coalesce(${changes.title?.trim() ?? null}::text, title),
        aspect_ratio = coalesce(${changes.aspectRatio ?? null}::text, aspect_ratio),
        clip_seconds = coalesce(${changes.clipSeconds ?? null}::real, clip_seconds),
        updated_at = now()
      where id = ${projectId}`;
    const summary = await projectSummary(tx, projectId);
    const settings = changes.aspectRatio !== undefined || changes.clipSeconds !== undefined;
    await appendEvents(tx, projectId, null, [{
      type: "project.updated",
      data: { ...summary, structure: false, settings } as unknown as Record<string, unknown>,
    }]);
    return summary;
  });
}

/**
 * Deletes a project: its active run is cancelled and its exports in flight stopped (running jobs
 * are told to stop), then every row of it goes. Returns the media folder to remove (relative to the media root) once committed.
 */
export async function deleteProject(sql: Sql, projectId: number): Promise<{ mediaFolder: string }> {
  await cancelRun(sql, projectId); // NotFoundError for an unknown project
  await sql.begin(async (tx) => {
    if (!(await lockProject(tx, projectId))) throw new NotFoundError(`There is no project with id ${projectId}.`);
    const ids = await tx<{ id: number }[]>`select id from sentences where project_id = ${projectId}`;
    await withdrawScenes(tx, ids.map((r) => r.id));
    await withdrawExports(tx, projectId);
    await tx`delete from projects where id = ${projectId}`;
  });
  return { mediaFolder: `projects/${projectId}` };
}
