/**
 * A creator's own recordings as narration: the sentences an upload is for (one sentence, or a
 * section's), and storing the accepted files as takes (seed null, provider "upload") that become
 * the narration shown, with a `scene.updated` event each. Narration being generated is not
 * replaced: an upload then waits (ConflictError), like picking a take.
 */
import type { Sql, Tx } from "../db/client.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import { wordSpans } from "../../media/audio/word_spans.ts";
import type { WordTiming } from "../../providers/audio/types.ts";
import type { PartView } from "../types.ts";
import { lockProject, readParts, toPartView, updatePart } from "./parts.ts";
import { addTake } from "./takes.ts";

/** The sentences an upload narrates, in reading order. */
export interface NarrationTarget {
  projectId: number;
  sentences: { id: number; text: string }[];
}

/**
 * The sentence an upload is for; NotFoundError for an unknown one, ConflictError while its narration
 * is being generated.
 */
export async function sentenceNarrationTarget(sql: Sql, sentenceId: number): Promise<NarrationTarget> {
  const rows = await sql<{ project_id: number; id: number; text: string; status: string }[]>`
    select s.project_id, s.id, s.text, p.status from sentences s
    join scene_parts p on p.sentence_id = s.id and p.kind = 'audio'
    where s.id = ${sentenceId}`;
  if (rows.length === 0) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
  return checked(rows);
}

/**
 * The sentences of a section an upload is for; NotFoundError for an unknown section, InvalidInputError
 * for one without sentences, ConflictError while narration of it is being generated.
 */
export async function sectionNarrationTarget(sql: Sql, sectionId: number): Promise<NarrationTarget> {
  const [section] = await sql`select 1 from sections where id = ${sectionId}`;
  if (!section) throw new NotFoundError(`There is no section with id ${sectionId}.`);
  const rows = await sql<{ project_id: number; id: number; text: string; status: string }[]>`
    select s.project_id, s.id, s.text, p.status from sentences s
    join scene_parts p on p.sentence_id = s.id and p.kind = 'audio'
    where s.section_id = ${sectionId} order by s.position`;
  if (rows.length === 0) {
    throw new InvalidInputError("sectionId", "This section has no sentences to narrate. Add a sentence first.");
  }
  return checked(rows);
}

function checked(rows: { project_id: number; id: number; text: string; status: string }[]): NarrationTarget {
  if (rows.some((r) => r.status === "queued" || r.status === "running")) throw busy();
  return { projectId: rows[0].project_id, sentences: rows.map((r) => ({ id: r.id, text: r.text })) };
}

function busy(): ConflictError {
  return new ConflictError(
    "This narration is being generated right now. Wait until it is done (or cancel the run), then upload again.",
  );
}

/** An accepted recording for one sentence. */
export interface UploadedNarration {
  sentenceId: number;
  /** Media path relative to the media folder. */
  path: string;
  durationMs: number;
  words?: WordTiming[] | null;
}

/**
 * Stores accepted recordings as the narration of their sentences, in one transaction under the
 * project lock: a take each (the sentence text as its prompt, seed null, provider "upload"), the
 * part done, a `scene.updated` event each. Returns the parts' new states and the files of takes
 * that fell out of the kept window (delete them after the commit). ConflictError when narration of
 * one of them started meanwhile; NotFoundError when a sentence was deleted meanwhile.
 */
export async function storeUploadedNarration(
  sql: Sql,
  projectId: number,
  uploads: UploadedNarration[],
  takesKept: number,
): Promise<{ parts: PartView[]; dropped: string[] }> {
  return await sql.begin(async (tx) => {
    const project = await lockProject(tx, projectId);
    if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
    const ids = uploads.map((u) => u.sentenceId);
    const current = await currentParts(tx, projectId, ids);
    const events: PendingEvent[] = [];
    const dropped: string[] = [];
    for (const upload of uploads) {
      const part = current.get(upload.sentenceId);
      if (!part) throw new NotFoundError(`Sentence ${upload.sentenceId} was deleted while the recording was uploaded.`);
      if (part.status === "queued" || part.status === "running") throw busy();
      const take = await addTake(tx, {
        sentenceId: upload.sentenceId,
        kind: "audio",
        path: upload.path,
        prompt: part.text,
        seed: null,
        aspectRatio: project.aspectRatio,
        sourceTakeId: null,
        durationMs: Math.round(upload.durationMs),
        words: upload.words?.length ? upload.words : null,
        provider: "upload",
      }, takesKept);
      dropped.push(...take.dropped);
      const extra = upload.words?.length ? { words: wordSpans(part.text, upload.words) } : {};
      events.push(
        await updatePart(tx, "audio", upload.sentenceId, { status: "done", error: null, takeId: take.takeId }, extra),
      );
    }
    await appendEvents(tx, projectId, null, events);
    const parts = await readParts(tx, "audio", ids);
    const byId = new Map(parts.map((p) => [p.sentence_id, toPartView(p)]));
    return { parts: ids.map((id) => byId.get(id)!), dropped };
  });
}

async function currentParts(tx: Tx, projectId: number, ids: number[]) {
  const rows = await tx<{ id: number; text: string; status: string }[]>`
    select s.id, s.text, p.status from sentences s
    join scene_parts p on p.sentence_id = s.id and p.kind = 'audio'
    where s.project_id = ${projectId} and s.id = any(${ids}::int[])`;
  return new Map(rows.map((r) => [r.id, r]));
}
