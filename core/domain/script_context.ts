/**
 * A project's script as the prompt writer reads it: the title, the frame, and the sections with
 * their sentences in order, each with its scene number. One query per table, whatever the size.
 */
import type { Sql, Tx } from "../db/client.ts";
import type { AspectRatio } from "../types.ts";

/** One sentence of the script. */
export interface ScriptSentence {
  id: number;
  /** 1-based scene number in the project (what the creator sees, and what messages name). */
  number: number;
  text: string;
}

/** The whole script. */
export interface ScriptContext {
  title: string;
  aspectRatio: AspectRatio;
  sections: { title: string | null; sentences: ScriptSentence[] }[];
}

/** Reads a project's script; null when there is no such project. */
export async function readScriptContext(sql: Sql | Tx, projectId: number): Promise<ScriptContext | null> {
  const [project] = await sql<{ title: string; aspect_ratio: AspectRatio }[]>`
    select title, aspect_ratio from projects where id = ${projectId}`;
  if (!project) return null;
  const sections = await sql<{ id: number; title: string | null }[]>`
    select id, title from sections where project_id = ${projectId} order by position`;
  const sentences = await sql<{ id: number; section_id: number; text: string }[]>`
    select s.id, s.section_id, s.text from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${projectId} order by sec.position, s.position`;
  const byId = new Map(sections.map((s) => [s.id, { title: s.title, sentences: [] as ScriptSentence[] }]));
  sentences.forEach((s, i) => byId.get(s.section_id)?.sentences.push({ id: s.id, number: i + 1, text: s.text }));
  return { title: project.title, aspectRatio: project.aspect_ratio, sections: [...byId.values()] };
}
