/**
 * Editing a project's sentences after import: change the text or the prompts, insert, delete,
 * split, merge and move sentences. Each edit is one transaction that takes the project lock (the
 * lock the engine's transitions take), so an edit during a run is applied between two of the
 * run's steps: a job never writes into a scene that was deleted meanwhile (its transition finds
 * nothing and it discards its file), and a part made from a prompt that changed meanwhile keeps
 * the prompt it was made from and shows as out of date.
 *
 * Each edit writes an event: `sentence.updated` with the sentence (text and prompts), or
 * `project.updated` with `structure: true` when scenes were added, removed or reordered.
 */
import type { Sql, Tx } from "../db/client.ts";
import { lockProject } from "../engine/parts.ts";
import { afterPartChange } from "../engine/run_summary.ts";
import { withdrawScenes } from "../engine/runs.ts";
import { appendEvents } from "../live/events.ts";
import type { SentenceView } from "../types.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { getSentence, projectSummary } from "./projects.ts";

/** Changes to a sentence; unset fields keep their value. */
export interface SentenceChanges {
  text?: string;
  imagePrompt?: string;
  videoPrompt?: string;
}

/**
 * Changes a sentence's text and/or prompts; returns the sentence. The image prompt follows the text
 * while it is still the imported sentence itself; prompts set here count as the creator's (the
 * prompt writer never overwrites them). NotFoundError when the sentence is unknown.
 */
export async function updateSentence(sql: Sql, sentenceId: number, changes: SentenceChanges): Promise<SentenceView> {
  return await sql.begin(async (tx) => {
    const projectId = await lockSentenceProject(tx, sentenceId);
    const text = changes.text?.trim();
    if (text !== undefined && text === "") throw new InvalidInputError("text", "The sentence text must not be empty.");
    await tx`
      update sentences set
        text = coalesce(${text ?? null}::text, text),
        image_prompt = case
          when ${changes.imagePrompt ?? null}::text is not null then ${changes.imagePrompt ?? null}::text
          when ${text ?? null}::text is not null and image_prompt_source = 'script' then left(${
      text ?? null
    }::text, ${LIMITS.promptChars})
          else image_prompt end,
        image_prompt_source = case when ${changes.imagePrompt ?? null}::text is not null then 'creator'
          else image_prompt_source end,
        video_prompt = coalesce(${changes.videoPrompt ?? null}::text, video_prompt),
        video_prompt_source = case
          when ${changes.videoPrompt ?? null}::text is null then video_prompt_source
          when btrim(${changes.videoPrompt ?? null}::text) = '' then 'none'
          else 'creator' end,
        updated_at = now()
      where id = ${sentenceId}`;
    return await sentenceChanged(tx, projectId, sentenceId);
  });
}

/**
 * Inserts a sentence into a section at `position` (0-based; default: at the end); its scene starts
 * with no media. Returns the new sentence.
 */
export async function insertSentence(
  sql: Sql,
  sectionId: number,
  input: { text: string; position?: number },
): Promise<SentenceView> {
  return await sql.begin(async (tx) => {
    const projectId = await lockSectionProject(tx, sectionId);
    await checkRoom(tx, projectId, 1);
    const order = await sectionOrder(tx, sectionId);
    const at = clampPosition(input.position, order.length);
    const id = await insertRow(tx, projectId, sectionId, input.text);
    order.splice(at, 0, id);
    await renumber(tx, sectionId, order);
    await structureChanged(tx, projectId);
    return await getSentence(tx, id);
  });
}

/**
 * Deletes a sentence with its scene's media records (files go with the media sweep). A part in
 * flight is taken out of its run first and its job stopped.
 */
export async function deleteSentence(sql: Sql, sentenceId: number): Promise<void> {
  await sql.begin(async (tx) => {
    const projectId = await lockSentenceProject(tx, sentenceId);
    const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from sentences where project_id = ${projectId}`;
    if (n <= 1) {
      throw new ConflictError("This is the project's only sentence; delete the project instead, or add another first.");
    }
    const runs = await withdrawScenes(tx, [sentenceId]);
    await tx`delete from sentences where id = ${sentenceId}`;
    for (const runId of runs) await afterPartChange(tx, runId);
    await structureChanged(tx, projectId);
  });
}

/**
 * Splits a sentence at character `at` of its text into two scenes: the first keeps the id (and
 * its media, now out of date), the second is new. Both halves must hold text.
 */
export async function splitSentence(sql: Sql, sentenceId: number, at: number): Promise<SentenceView[]> {
  return await sql.begin(async (tx) => {
    const projectId = await lockSentenceProject(tx, sentenceId);
    const [row] = await tx<{ text: string; section_id: number }[]>`
      select text, section_id from sentences where id = ${sentenceId}`;
    const first = row.text.slice(0, at).trim();
    const second = row.text.slice(at).trim();
    if (!first || !second) {
      throw new InvalidInputError(
        "at",
        `Split inside the text: position ${at} leaves ${first ? "the second" : "the first"} half empty.`,
      );
    }
    await checkRoom(tx, projectId, 1);
    await tx`
      update sentences set text = ${first},
        image_prompt = case when image_prompt_source = 'script' then left(${first}, ${LIMITS.promptChars}) else image_prompt end,
        updated_at = now()
      where id = ${sentenceId}`;
    const order = await sectionOrder(tx, row.section_id);
    const id = await insertRow(tx, projectId, row.section_id, second);
    order.splice(order.indexOf(sentenceId) + 1, 0, id);
    await renumber(tx, row.section_id, order);
    await structureChanged(tx, projectId);
    return [await getSentence(tx, sentenceId), await getSentence(tx, id)];
  });
}

/**
 * Merges a sentence with the next one of its section: the first keeps the id and gets both texts;
 * the second is deleted. ConflictError when it is the last of its section.
 */
export async function mergeWithNext(sql: Sql, sentenceId: number): Promise<SentenceView> {
  return await sql.begin(async (tx) => {
    const projectId = await lockSentenceProject(tx, sentenceId);
    const [row] = await tx<{ text: string; section_id: number }[]>`
      select text, section_id from sentences where id = ${sentenceId}`;
    const order = await sectionOrder(tx, row.section_id);
    const nextId = order[order.indexOf(sentenceId) + 1];
    if (nextId === undefined) {
      throw new ConflictError("This is the last sentence of its section: there is no next sentence to merge with.");
    }
    const [next] = await tx<{ text: string }[]>`select text from sentences where id = ${nextId}`;
    const text = `${row.text} ${next.text}`;
    if (text.length > LIMITS.sentenceChars) {
      throw new ConflictError(`The merged sentence would be longer than ${LIMITS.sentenceChars} characters.`);
    }
    const runs = await withdrawScenes(tx, [nextId]);
    await tx`delete from sentences where id = ${nextId}`;
    for (const runId of runs) await afterPartChange(tx, runId);
    await tx`
      update sentences set text = ${text},
        image_prompt = case when image_prompt_source = 'script' then left(${text}, ${LIMITS.promptChars}) else image_prompt end,
        updated_at = now()
      where id = ${sentenceId}`;
    await renumber(tx, row.section_id, order.filter((id) => id !== nextId));
    await structureChanged(tx, projectId);
    return await getSentence(tx, sentenceId);
  });
}

/** Moves a sentence to `position` (0-based) of a section of the same project (default: its own). */
export async function moveSentence(
  sql: Sql,
  sentenceId: number,
  target: { sectionId?: number; position: number },
): Promise<SentenceView> {
  return await sql.begin(async (tx) => {
    const projectId = await lockSentenceProject(tx, sentenceId);
    const [row] = await tx<{ section_id: number }[]>`select section_id from sentences where id = ${sentenceId}`;
    const toSection = target.sectionId ?? row.section_id;
    const [section] = await tx`select 1 from sections where id = ${toSection} and project_id = ${projectId}`;
    if (!section) {
      throw new InvalidInputError("sectionId", `Section ${toSection} is not a section of this sentence's project.`);
    }
    const from = (await sectionOrder(tx, row.section_id)).filter((id) => id !== sentenceId);
    const to = toSection === row.section_id ? from : await sectionOrder(tx, toSection);
    to.splice(clampPosition(target.position, to.length), 0, sentenceId);
    if (toSection !== row.section_id) await renumber(tx, row.section_id, from);
    await renumber(tx, toSection, to); // also moves the sentence into the section
    await structureChanged(tx, projectId);
    return await getSentence(tx, sentenceId);
  });
}

/** Locks the project of a sentence; NotFoundError when there is no such sentence. */
async function lockSentenceProject(tx: Tx, sentenceId: number): Promise<number> {
  const [row] = await tx<{ project_id: number }[]>`select project_id from sentences where id = ${sentenceId}`;
  if (!row || !(await lockProject(tx, row.project_id))) {
    throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
  }
  // Re-read under the lock: a concurrent delete may have won.
  const [still] = await tx`select 1 from sentences where id = ${sentenceId}`;
  if (!still) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
  return row.project_id;
}

/** Locks the project of a section; NotFoundError when there is no such section. */
export async function lockSectionProject(tx: Tx, sectionId: number): Promise<number> {
  const [row] = await tx<{ project_id: number }[]>`select project_id from sections where id = ${sectionId}`;
  if (!row || !(await lockProject(tx, row.project_id))) {
    throw new NotFoundError(`There is no section with id ${sectionId}.`);
  }
  return row.project_id;
}

/** Sentence ids of a section in order. */
async function sectionOrder(tx: Tx, sectionId: number): Promise<number[]> {
  const rows = await tx<{ id: number }[]>`select id from sentences where section_id = ${sectionId} order by position`;
  return rows.map((r) => r.id);
}

/** Gives the section's sentences the positions 0, 1, 2… in this order (checked at commit). */
export async function renumber(tx: Tx, sectionId: number, order: number[]): Promise<void> {
  if (order.length === 0) return;
  await tx`
    update sentences s set position = o.position - 1, section_id = ${sectionId}
    from unnest(${order}::int[]) with ordinality as o(id, position)
    where s.id = o.id and (s.position <> o.position - 1 or s.section_id <> ${sectionId})`;
}

/** Inserts a sentence row at the end of a section (the caller renumbers); returns its id. */
async function insertRow(tx: Tx, projectId: number, sectionId: number, rawText: string): Promise<number> {
  const text = rawText.trim();
  if (!text) throw new InvalidInputError("text", "The sentence text must not be empty.");
  const [{ id }] = await tx<{ id: number }[]>`
    insert into sentences (project_id, section_id, position, text, image_prompt)
    values (${projectId}, ${sectionId}, (select coalesce(max(position) + 1, 0) from sentences where section_id = ${sectionId}),
      ${text}, ${text.slice(0, LIMITS.promptChars)})
    returning id`;
  return id;
}

/** ConflictError when `adding` more sentences would pass the per-project limit. */
export async function checkRoom(tx: Tx, projectId: number, adding: number): Promise<void> {
  const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from sentences where project_id = ${projectId}`;
  if (n + adding > LIMITS.sentencesPerProject) {
    throw new ConflictError(
      `A project can hold at most ${LIMITS.sentencesPerProject} sentences; this one has ${n}. Split it into several projects.`,
    );
  }
}

function clampPosition(position: number | undefined, length: number): number {
  return position === undefined ? length : Math.max(0, Math.min(position, length));
}

/** Writes `sentence.updated` with the sentence's new state; returns it. */
async function sentenceChanged(tx: Tx, projectId: number, sentenceId: number): Promise<SentenceView> {
  const sentence = await getSentence(tx, sentenceId);
  await appendEvents(tx, projectId, null, [{
    type: "sentence.updated",
    data: sentence as unknown as Record<string, unknown>,
  }]);
  return sentence;
}

/** Writes `project.updated` with `structure: true`: scenes were added, removed or reordered. */
export async function structureChanged(tx: Tx, projectId: number): Promise<void> {
  await tx`update projects set updated_at = now() where id = ${projectId}`;
  const project = await projectSummary(tx, projectId);
  await appendEvents(tx, projectId, null, [{
    type: "project.updated",
    data: { ...project, structure: true } as unknown as Record<string, unknown>,
  }]);
}
