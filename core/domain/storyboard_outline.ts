/**
 * The storyboard of a big project, read in pieces: its outline (sections, their scene counts and
 * where each chunk of cards starts), a compact state of EVERY scene (what the toolbar counts, the
 * failure details and the notices need, without the cards), and the cards of one chunk, read by
 * keyset (section, position) so a page never reads more than it renders.
 *
 * A chunk is up to {@link CHUNK_SCENES} consecutive scenes of one section; the page renders the
 * first chunks and placeholders for the rest, which load on demand.
 */
import type { Sql } from "../db/client.ts";
import { NotFoundError } from "./errors.ts";
import { type SentenceRow, toSentence } from "./projects.ts";
import type { SentenceView } from "../types.ts";
import { decodeParts, type IndexFailure, packIds, type SceneIndex } from "./scene_codes.ts";

export type { IndexFailure, SceneIndex } from "./scene_codes.ts";

/** Scenes in one chunk of cards (the unit loaded on demand). */
export const CHUNK_SCENES = 30;

/** One chunk of a section: the position of its first scene and how many scenes it has. */
export interface ChunkRef {
  sectionId: number;
  /** The `position` of its first sentence (the keyset). */
  from: number;
  /** Its first scene's number (1-based, in the project). */
  firstNumber: number;
  scenes: number;
}

/** A section as the outline shows it. */
export interface OutlineSection {
  id: number;
  position: number;
  title: string | null;
  /** Scenes in the section. */
  scenes: number;
  chunks: ChunkRef[];
}

/** SQL fragment: the base-36 parts code of scene rows with image (i) and video (v) states. */
const PARTS_CODE_SQL = `substr('0123456789abcdefghijklmnopqrstuvwxyz',
  1 + (case i.status when 'done' then 1 when 'failed' then 2 else 0 end)
    + 3 * (case v.status when 'done' then 1 when 'failed' then 2 else 0 end)
    + 9 * (i.outdated::int) + 18 * (v.outdated::int), 1)`;

interface PackedRow {
  /** Comma-separated (postgres.js parses a 20,000-element array character by character). */
  ids: string | null;
  section_ids: string | null;
  positions: string | null;
  parts: string | null;
  notes: string | null;
  has_media: boolean | null;
}

/** What the storyboard shows besides the cards: the outline and every scene's packed state. */
export interface StoryboardOutline {
  sections: OutlineSection[];
  /** The sentence ids in scene order. */
  order: number[];
  index: SceneIndex;
  /** What the storyboard's notices count, for every scene. */
  notices: OutlineNotices;
}

/** Counts behind the storyboard's notices and toolbar, from every scene of the project. */
export interface OutlineNotices {
  /** Scenes without narration audio, and the sections they are in. */
  withoutAudio: { ids: number[]; sectionIds: number[] };
  /** Scenes whose video prompt is empty (it is written when their video is generated). */
  emptyVideoPrompts: number[];
  /** Scenes whose image or video failed. */
  failedScenes: number;
  /** Scenes without a done image or video (what Generate All makes). */
  missingScenes: number;
  /** Scenes whose image or video is out of date (what "Regenerate changed" makes). */
  outdatedScenes: number;
  /** Whether any scene has a take to download. */
  hasMedia: boolean;
}

/**
 * Reads a project's outline and scene index (see the module doc) in three statements whose
 * answers are a row per section and per failed part, and ONE row for every scene's state (arrays
 * and strings aggregated by the database), so a 20,000-scene project costs a few milliseconds of
 * the event loop, not the parsing of 60,000 rows.
 */
export async function storyboardOutline(sql: Sql, projectId: number): Promise<StoryboardOutline> {
  const [sectionRows, [packed], failures] = await Promise.all([
    sql<{ id: number; position: number; title: string | null }[]>`
      select id, position, title from sections where project_id = ${projectId} order by position`,
    sql<PackedRow[]>`
      select string_agg(s.id::text, ',' order by sec.position, s.position) as ids,
        string_agg(s.section_id::text, ',' order by sec.position, s.position) as section_ids,
        string_agg(s.position::text, ',' order by sec.position, s.position) as positions,
        string_agg(${sql.unsafe(PARTS_CODE_SQL)}, '' order by sec.position, s.position) as parts,
        string_agg(((a.status = 'done')::int + 2 * (btrim(s.video_prompt) = '')::int)::text, ''
          order by sec.position, s.position) as notes,
        bool_or(i.take_id is not null or v.take_id is not null or a.take_id is not null) as has_media
      from sentences s
      join sections sec on sec.id = s.section_id
      join projects pr on pr.id = s.project_id
      join scene_parts ip on ip.sentence_id = s.id and ip.kind = 'image'
      join scene_parts vp on vp.sentence_id = s.id and vp.kind = 'video'
      join scene_parts a on a.sentence_id = s.id and a.kind = 'audio'
      left join takes it on it.id = ip.take_id
      left join takes vt on vt.id = vp.take_id
      -- The part_states view's "outdated", written out for whole projects (the view's correlated
      -- subqueries cost seconds over 20,000 scenes).
      cross join lateral (select ip.status, ip.take_id,
        it.id is not null and (it.prompt is distinct from s.image_prompt
          or it.aspect_ratio is distinct from pr.aspect_ratio) as outdated) i
      cross join lateral (select vp.status, vp.take_id,
        vt.id is not null and ((btrim(s.video_prompt) <> '' and vt.prompt is distinct from s.video_prompt)
          or vt.aspect_ratio is distinct from pr.aspect_ratio
          or vt.source_take_id is distinct from ip.take_id
          or (vt.clip_seconds is distinct from pr.clip_seconds and a.take_id is null)) as outdated) v
      where s.project_id = ${projectId}`,
    sql<IndexFailure[]>`
      select s.id, p.kind as part, coalesce(p.error, '') as error, left(s.text, 120) as text
      from scene_parts p
      join sentences s on s.id = p.sentence_id
      join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId} and p.status = 'failed' and p.kind in ('image', 'video')
      order by sec.position, s.position, p.kind desc`,
  ]);
  if (sectionRows.length === 0) {
    const [project] = await sql`select 1 from projects where id = ${projectId}`;
    if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
  }
  const numbers = (csv: string | null | undefined) => csv ? csv.split(",").map(Number) : [];
  const ids = numbers(packed?.ids);
  const sectionIds = numbers(packed?.section_ids);
  const positions = numbers(packed?.positions);
  const sections: OutlineSection[] = sectionRows.map((row) => ({ ...row, scenes: 0, chunks: [] }));
  const byId = new Map(sections.map((section) => [section.id, section]));
  // One pass over the scenes in order: each section's count, and a chunk every CHUNK_SCENES.
  for (let i = 0; i < sectionIds.length; i++) {
    const section = byId.get(sectionIds[i]);
    if (!section) continue;
    if (section.scenes % CHUNK_SCENES === 0) {
      section.chunks.push({ sectionId: section.id, from: positions[i], firstNumber: i + 1, scenes: 0 });
    }
    section.chunks[section.chunks.length - 1].scenes++;
    section.scenes++;
  }
  const notices = countNotices(ids, sectionIds, packed?.parts ?? "", packed?.notes ?? "");
  return {
    sections,
    order: ids,
    notices: { ...notices, hasMedia: packed?.has_media ?? false },
    index: {
      ids: packIds(ids),
      parts: packed?.parts ?? "",
      notes: packed?.notes ?? "",
      failures,
      hasMedia: packed?.has_media ?? false,
    },
  };
}

/**
 * The sentences of one chunk (see the module doc): up to `limit` scenes of section `sectionId`
 * from position `from` on, read by keyset, numbered from `firstNumber`.
 */
export async function chunkSentences(
  sql: Sql,
  projectId: number,
  chunk: Pick<ChunkRef, "sectionId" | "from" | "firstNumber">,
  limit = CHUNK_SCENES,
): Promise<SentenceView[]> {
  const rows = await sql<SentenceRow[]>`
    select s.id, s.project_id, s.section_id, s.position, s.text, s.image_prompt, s.video_prompt,
      (select json_agg(ps) from part_states ps where ps.sentence_id = s.id) as parts
    from sentences s
    where s.project_id = ${projectId} and s.section_id = ${chunk.sectionId} and s.position >= ${chunk.from}
    order by s.position
    limit ${limit}`;
  return rows.map((row, i) => toSentence(row, chunk.firstNumber + i));
}

/** One chunk read on its own (a card fetch): where it is and, for a section's first, its section. */
export interface ChunkRead {
  chunk: ChunkRef;
  /** The chunk's section, with its chunks (a section's first chunk brings the whole section). */
  section: OutlineSection;
  /** The section's place among the project's sections (0-based) and how many there are. */
  sectionIndex: number;
  sectionCount: number;
  sentences: SentenceView[];
}

/**
 * Reads the chunk of section `sectionId` that starts at position `from` (or, with `sentenceId`,
 * the chunk holding that scene) without reading the whole project: the section's positions, and
 * one count for the number of the section's first scene. Throws NotFoundError for a section (or
 * scene) that is not in the project, or a `from` that starts no chunk.
 */
export async function readChunk(
  sql: Sql,
  projectId: number,
  at: { sectionId: number; from: number } | { sentenceId: number },
): Promise<ChunkRead> {
  let sectionId: number;
  if ("sentenceId" in at) {
    const [row] = await sql<{ section_id: number }[]>`
      select section_id from sentences where id = ${at.sentenceId} and project_id = ${projectId}`;
    if (!row) throw new NotFoundError(`Project ${projectId} has no scene with id ${at.sentenceId}.`);
    sectionId = row.section_id;
  } else sectionId = at.sectionId;
  const [[section], sections, positions] = await Promise.all([
    sql<{ id: number; position: number; title: string | null; before: number }[]>`
      select sec.id, sec.position, sec.title,
        (select count(*) from sentences s join sections p on p.id = s.section_id
          where s.project_id = ${projectId} and p.position < sec.position)::int as before
      from sections sec where sec.id = ${sectionId} and sec.project_id = ${projectId}`,
    sql<{ n: number; index: number }[]>`
      select count(*)::int as n,
        count(*) filter (where position < (select position from sections where id = ${sectionId}))::int as index
      from sections where project_id = ${projectId}`,
    sql<{ id: number; position: number }[]>`
      select id, position from sentences where section_id = ${sectionId} and project_id = ${projectId}
      order by position`,
  ]);
  if (!section) throw new NotFoundError(`Project ${projectId} has no section with id ${sectionId}.`);
  const outline: OutlineSection = {
    id: section.id,
    position: section.position,
    title: section.title,
    scenes: positions.length,
    chunks: [],
  };
  for (let i = 0; i < positions.length; i += CHUNK_SCENES) {
    outline.chunks.push({
      sectionId,
      from: positions[i].position,
      firstNumber: section.before + i + 1,
      scenes: Math.min(CHUNK_SCENES, positions.length - i),
    });
  }
  let chunk: ChunkRef | undefined;
  if ("sentenceId" in at) {
    const place = positions.findIndex((p) => p.id === at.sentenceId);
    chunk = outline.chunks[Math.floor(place / CHUNK_SCENES)];
  } else {
    chunk = outline.chunks.find((c) => c.from === at.from);
    if (!chunk) {
      throw new NotFoundError(
        `Section ${sectionId} has no chunk of scenes starting at position ${at.from}: reload the storyboard.`,
      );
    }
  }
  const sentences = chunk ? await chunkSentences(sql, projectId, chunk) : [];
  return {
    chunk: chunk ?? { sectionId, from: 0, firstNumber: section.before + 1, scenes: 0 },
    section: outline,
    sectionIndex: sections[0].index,
    sectionCount: sections[0].n,
    sentences,
  };
}

/** The notices' counts from the packed scene states (see {@link SceneIndex}). */
export function countNotices(
  ids: number[],
  sectionIds: number[],
  parts: string,
  notes: string,
): Omit<OutlineNotices, "hasMedia"> {
  const withoutAudio: number[] = [];
  const audioSections = new Set<number>();
  const emptyVideoPrompts: number[] = [];
  let failedScenes = 0;
  let missingScenes = 0;
  let outdatedScenes = 0;
  for (let i = 0; i < ids.length; i++) {
    const code = decodeParts(parts[i]);
    const note = Number(notes[i]) || 0;
    if (!(note & 1)) {
      withoutAudio.push(ids[i]);
      audioSections.add(sectionIds[i]);
    }
    if (note & 2) emptyVideoPrompts.push(ids[i]);
    if (code.image === "failed" || code.video === "failed") failedScenes++;
    if (code.image !== "done" || code.video !== "done") missingScenes++;
    if (code.imageOutdated || code.videoOutdated) outdatedScenes++;
  }
  return {
    withoutAudio: { ids: withoutAudio, sectionIds: [...audioSections] },
    emptyVideoPrompts,
    failedScenes,
    missingScenes,
    outdatedScenes,
  };
}
