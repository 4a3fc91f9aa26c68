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
import type { IndexFailure, SceneIndex } from "./scene_codes.ts";

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
  ids: string | null;
  parts: string | null;
  notes: string | null;
  has_media: boolean | null;
  without_audio: number;
  empty_video_prompts: number;
  failed: number;
  missing: number;
  outdated: number;
}

/** What the storyboard shows besides the cards: the outline and every scene's packed state. */
export interface StoryboardOutline {
  sections: OutlineSection[];
  index: SceneIndex;
  /** What the storyboard's notices count, for every scene. */
  notices: OutlineNotices;
}

/** Counts behind the storyboard's notices and toolbar, from every scene of the project. */
export interface OutlineNotices {
  /** Scenes without narration audio. */
  withoutAudio: number;
  /** The sections with scenes without narration (what "Generate section audio" narrates). */
  audioSectionIds: number[];
  /** Scenes whose video prompt is empty (it is written when their video is generated). */
  emptyVideoPrompts: number;
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
 * answers are a row per section and per failed part, and ONE row for every scene's state: the
 * database packs the ids, codes and counts, so a 20,000-scene project costs the event loop a few
 * short strings, not the parsing of 60,000 rows or 20,000-element arrays.
 */
export async function storyboardOutline(sql: Sql, projectId: number): Promise<StoryboardOutline> {
  const [sectionRows, [packed], failures] = await Promise.all([
    sql<
      { id: number; position: number; title: string | null; scenes: number; starts: string | null; audio: boolean }[]
    >`
      select sec.id, sec.position, sec.title, count(s.id)::int as scenes,
        string_agg(s.position::text, ',' order by s.position) filter (where s.rn % ${CHUNK_SCENES} = 0) as starts,
        coalesce(bool_or(s.no_audio), false) as audio
      from sections sec
      left join (
        select x.id, x.section_id, x.position, a.status <> 'done' as no_audio,
          (row_number() over (partition by x.section_id order by x.position) - 1)::int as rn
        from sentences x join scene_parts a on a.sentence_id = x.id and a.kind = 'audio'
        where x.project_id = ${projectId}
      ) s on s.section_id = sec.id
      where sec.project_id = ${projectId}
      group by sec.id order by sec.position`,
    sql<PackedRow[]>`
      with scenes as (
        select s.id, row_number() over (order by sec.position, s.position) as rn,
          ${sql.unsafe(PARTS_CODE_SQL)} as code,
          ((a.status = 'done')::int + 2 * (btrim(s.video_prompt) = '')::int) as note,
          i.status as image, v.status as video, i.outdated or v.outdated as outdated,
          i.take_id is not null or v.take_id is not null or a.take_id is not null as media
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
        where s.project_id = ${projectId}
      ),
      -- Runs of consecutive ids (see packIds): a run breaks where an id is not its predecessor + 1.
      breaks as (
        select id, rn, (id <> coalesce(lag(id) over (order by rn), -2) + 1)::int as new_run from scenes
      ),
      runs as (
        select min(id) as first, max(id) as last, min(rn) as rn
        from (select id, rn, sum(new_run) over (order by rn) as run from breaks) r group by run
      )
      select
        (select string_agg(case when first = last then first::text else first || '-' || last end, ',' order by rn)
          from runs) as ids,
        string_agg(code, '' order by rn) as parts,
        string_agg(note::text, '' order by rn) as notes,
        coalesce(bool_or(media), false) as has_media,
        count(*) filter (where note & 1 = 0)::int as without_audio,
        count(*) filter (where note & 2 = 2)::int as empty_video_prompts,
        count(*) filter (where image = 'failed' or video = 'failed')::int as failed,
        count(*) filter (where image <> 'done' or video <> 'done')::int as missing,
        count(*) filter (where outdated)::int as outdated
      from scenes`,
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
  let number = 1;
  const sections: OutlineSection[] = sectionRows.map((row) => {
    const starts = row.starts ? row.starts.split(",").map(Number) : [];
    const chunks = starts.map((from, i) => ({
      sectionId: row.id,
      from,
      firstNumber: number + i * CHUNK_SCENES,
      scenes: Math.min(CHUNK_SCENES, row.scenes - i * CHUNK_SCENES),
    }));
    number += row.scenes;
    return { id: row.id, position: row.position, title: row.title, scenes: row.scenes, chunks };
  });
  const hasMedia = packed?.has_media ?? false;
  return {
    sections,
    notices: {
      withoutAudio: packed?.without_audio ?? 0,
      audioSectionIds: sectionRows.filter((r) => r.audio).map((r) => r.id),
      emptyVideoPrompts: packed?.empty_video_prompts ?? 0,
      failedScenes: packed?.failed ?? 0,
      missingScenes: packed?.missing ?? 0,
      outdatedScenes: packed?.outdated ?? 0,
      hasMedia,
    },
    index: { ids: packed?.ids ?? "", parts: packed?.parts ?? "", notes: packed?.notes ?? "", failures, hasMedia },
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
