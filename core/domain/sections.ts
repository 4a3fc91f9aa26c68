/**
 * Editing a project's sections: add (empty, or from a piece of script), rename, move and delete.
 * Same rules as ./sentences.ts: one transaction under the project lock, `project.updated` with
 * `structure: true` after a change of order, scenes in flight taken out of their run before they
 * are deleted.
 */
import type { Sql, Tx } from "../db/client.ts";
import { lockProject } from "../engine/parts.ts";
import { afterPartChange } from "../engine/run_summary.ts";
import { withdrawScenes } from "../engine/runs.ts";
import type { SectionView } from "../types.ts";
import { ConflictError, NotFoundError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { splitScript } from "./script_import.ts";
import { checkRoom, lockSectionProject, structureChanged } from "./sentences.ts";

/**
 * Adds a section at `position` (0-based; default: at the end) with an optional title and the
 * sentences of `script` (split like an imported script; headings inside it are ignored). Returns
 * the section's id.
 */
export async function addSection(
  sql: Sql,
  projectId: number,
  input: { title?: string | null; position?: number; script?: string },
): Promise<{ id: number; sentenceCount: number }> {
  return await sql.begin(async (tx) => {
    if (!(await lockProject(tx, projectId))) throw new NotFoundError(`There is no project with id ${projectId}.`);
    const sentences = input.script ? splitScript(input.script).flatMap((s) => s.sentences) : [];
    await checkRoom(tx, projectId, sentences.length);
    const order = await projectOrder(tx, projectId);
    const at = Math.max(0, Math.min(input.position ?? order.length, order.length));
    const [{ id }] = await tx<{ id: number }[]>`
      insert into sections (project_id, position, title)
      values (${projectId}, ${order.length}, ${input.title?.trim() || null})
      returning id`;
    order.splice(at, 0, id);
    await renumberSections(tx, order);
    if (sentences.length) {
      await tx`
        insert into sentences ${
        tx(sentences.map((text, position) => ({
          project_id: projectId,
          section_id: id,
          position,
          text,
          image_prompt: text.slice(0, LIMITS.promptChars),
        })))
      }`;
    }
    await structureChanged(tx, projectId);
    return { id, sentenceCount: sentences.length };
  });
}

/** Renames a section (an empty title shows as "Section N"); returns it without its sentences. */
export async function renameSection(
  sql: Sql,
  sectionId: number,
  title: string | null,
): Promise<Omit<SectionView, "sentences">> {
  return await sql.begin(async (tx) => {
    const projectId = await lockSectionProject(tx, sectionId);
    const [row] = await tx<{ id: number; position: number; title: string | null }[]>`
      update sections set title = ${title?.trim() || null} where id = ${sectionId} returning id, position, title`;
    await structureChanged(tx, projectId);
    return row;
  });
}

/** Moves a section to `position` (0-based) among the project's sections. */
export async function moveSection(sql: Sql, sectionId: number, position: number): Promise<void> {
  await sql.begin(async (tx) => {
    const projectId = await lockSectionProject(tx, sectionId);
    const order = (await projectOrder(tx, projectId)).filter((id) => id !== sectionId);
    order.splice(Math.max(0, Math.min(position, order.length)), 0, sectionId);
    await renumberSections(tx, order);
    await structureChanged(tx, projectId);
  });
}

/**
 * Deletes a section and its sentences (their parts in flight are taken out of their run first).
 * ConflictError when no sentence of the project would be left.
 */
export async function deleteSection(sql: Sql, sectionId: number): Promise<void> {
  await sql.begin(async (tx) => {
    const projectId = await lockSectionProject(tx, sectionId);
    const [{ others }] = await tx<{ others: number }[]>`
      select count(*)::int as others from sentences where project_id = ${projectId} and section_id <> ${sectionId}`;
    if (others === 0) {
      throw new ConflictError(
        "This section holds every sentence of the project; delete the project instead, or add another section first.",
      );
    }
    const ids = await tx<{ id: number }[]>`select id from sentences where section_id = ${sectionId}`;
    const runs = await withdrawScenes(tx, ids.map((r) => r.id));
    await tx`delete from sections where id = ${sectionId}`;
    for (const runId of runs) await afterPartChange(tx, runId);
    await renumberSections(tx, await projectOrder(tx, projectId));
    await structureChanged(tx, projectId);
  });
}

/** Section ids of a project in order. */
async function projectOrder(tx: Tx, projectId: number): Promise<number[]> {
  const rows = await tx<{ id: number }[]>`select id from sections where project_id = ${projectId} order by position`;
  return rows.map((r) => r.id);
}

/** Gives the sections the positions 0, 1, 2… in this order (checked at commit). */
async function renumberSections(tx: Tx, order: number[]): Promise<void> {
  if (order.length === 0) return;
  await tx`
    update sections s set position = o.position - 1
    from unnest(${order}::int[]) with ordinality as o(id, position)
    where s.id = o.id and s.position <> o.position - 1`;
}
