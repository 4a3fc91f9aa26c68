/**
 * Projects and their storyboard: create from a script, list, read, edit prompts. No HTTP here;
 * routes and tasks call these with a postgres.js client.
 */
import type { Sql, Tx } from "../db/client.ts";
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

/** All projects, newest first, with their counts. */
export async function listProjects(sql: Sql): Promise<ProjectSummary[]> {
  const rows = await sql<ProjectRow[]>`
    select p.*,
      (select count(*)::int from sections s where s.project_id = p.id) as section_count,
      (select count(*)::int from sentences s where s.project_id = p.id) as sentence_count
    from projects p
    order by p.id desc`;
  return rows.map(toSummary);
}

/** One project with its sections and sentences in order; NotFoundError when there is none. */
export async function getProject(sql: Sql, projectId: number): Promise<ProjectView> {
  const [row] = await sql<ProjectRow[]>`
    select p.*,
      (select count(*)::int from sections s where s.project_id = p.id) as section_count,
      (select count(*)::int from sentences s where s.project_id = p.id) as sentence_count
    from projects p where p.id = ${projectId}`;
  if (!row) throw new NotFoundError(`There is no project with id ${projectId}.`);
  const sectionRows = await sql<{ id: number; position: number; title: string | null }[]>`
    select id, position, title from sections where project_id = ${projectId} order by position`;
  const sentenceRows = await sql<SentenceRow[]>`
    select s.* from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${projectId}
    order by sec.position, s.position`;
  const sections = new Map<number, SectionView>(
    sectionRows.map((s) => [s.id, { id: s.id, position: s.position, title: s.title, sentences: [] }]),
  );
  sentenceRows.forEach((r, index) => sections.get(r.section_id)!.sentences.push(toSentence(r, index + 1)));
  return { ...toSummary(row), sections: [...sections.values()] };
}

/** Changes a sentence's prompts; returns the updated sentence. NotFoundError when it is unknown. */
export async function updateSentencePrompts(
  sql: Sql,
  sentenceId: number,
  changes: { imagePrompt?: string; videoPrompt?: string },
): Promise<SentenceView> {
  const [row] = await sql<SentenceRow[]>`
    update sentences set
      image_prompt = coalesce(${changes.imagePrompt ?? null}::text, image_prompt),
      video_prompt = coalesce(${changes.videoPrompt ?? null}::text, video_prompt),
      updated_at = now()
    where id = ${sentenceId}
    returning *`;
  if (!row) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
  return toSentence(row, await sentenceNumber(sql, row));
}

/** Reads one sentence as the API shows it. */
export async function getSentence(sql: Sql, sentenceId: number): Promise<SentenceView> {
  const [row] = await sql<SentenceRow[]>`select * from sentences where id = ${sentenceId}`;
  if (!row) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
  return toSentence(row, await sentenceNumber(sql, row));
}

async function sentenceNumber(sql: Sql, row: SentenceRow): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    select count(*)::int as n from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${row.project_id}
      and (sec.position, s.position) <= (select sec2.position, ${row.position}::int
                                          from sections sec2 where sec2.id = ${row.section_id})`;
  return n;
}

/** The URL a stored media path is served at. */
export function mediaUrl(path: string | null): string | null {
  return path === null ? null : `/media/${path.split("/").map(encodeURIComponent).join("/")}`;
}

interface ProjectRow {
  id: number;
  title: string;
  aspect_ratio: AspectRatio;
  created_at: Date;
  updated_at: Date;
  section_count: number;
  sentence_count: number;
}

/** A row of the sentences table as postgres.js returns it. */
export interface SentenceRow {
  id: number;
  project_id: number;
  section_id: number;
  position: number;
  text: string;
  image_prompt: string;
  video_prompt: string;
  audio_status: "none" | "ready";
  audio_url: string | null;
  image_status: SentenceView["image"]["status"];
  image_path: string | null;
  image_error: string | null;
  image_attempts: number;
  image_run_id: number | null;
  image_updated_at: Date;
  video_status: SentenceView["video"]["status"];
  video_path: string | null;
  video_error: string | null;
  video_attempts: number;
  video_run_id: number | null;
  video_updated_at: Date;
}

function toSummary(row: ProjectRow): ProjectSummary {
  return {
    id: row.id,
    title: row.title,
    aspectRatio: row.aspect_ratio,
    sectionCount: row.section_count,
    sentenceCount: row.sentence_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Shapes a sentence row for the API; `number` is its 1-based place in the project. */
export function toSentence(row: SentenceRow, number: number): SentenceView {
  return {
    id: row.id,
    projectId: row.project_id,
    sectionId: row.section_id,
    number,
    text: row.text,
    imagePrompt: row.image_prompt,
    videoPrompt: row.video_prompt,
    audio: { status: row.audio_status, url: row.audio_url },
    image: {
      status: row.image_status,
      url: mediaUrl(row.image_path),
      error: row.image_error,
      attempts: row.image_attempts,
      updatedAt: row.image_updated_at.toISOString(),
    },
    video: {
      status: row.video_status,
      url: mediaUrl(row.video_path),
      error: row.video_error,
      attempts: row.video_attempts,
      updatedAt: row.video_updated_at.toISOString(),
    },
  };
}
