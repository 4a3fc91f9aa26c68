/**
 * The worker's side of a prompt job (./prompt_jobs.ts): read what is left to write, save one batch
 * of written prompts. Each batch is one graphile-worker job, so a prompt job never holds a worker
 * for longer than one request to the writer (images and videos get their turn in between, and a
 * shutdown hands back at most one batch). Saving is one transaction under the project lock (the
 * lock every edit takes) which re-reads who wrote each prompt: a prompt the creator wrote, even one
 * saved while the batch was being written, is never overwritten. The same transaction writes the
 * `sentence.updated` events of the scenes it changed (open pages show the new prompts; media made
 * from the old ones shows as out of date), the job's count of scenes done, its notes and progress
 * event, and then either queues the job of the next batch or ends the job.
 */
import type { Sql } from "../db/client.ts";
import { NotFoundError } from "../domain/errors.ts";
import { LIMITS } from "../domain/limits.ts";
import { getSentences } from "../domain/projects.ts";
import { readScriptContext, type ScriptContext } from "../domain/script_context.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import { endPromptJob, lockJobProject, promptJobColumns, type PromptJobRow, promptsEvent } from "./prompt_jobs.ts";
import { enqueuePromptJob } from "./prompt_queue.ts";

/** What an active prompt job has left to do. */
export interface PromptWork {
  jobId: number;
  projectId: number;
  script: ScriptContext;
  /** Scenes not written yet, in script order (some may have been deleted since). */
  remaining: number[];
  /** Scenes done so far (the job's `written`). */
  written: number;
  /** The writer's notes after the last saved batch. */
  notes: string;
}

/** A prompt job's remaining work; null when the job is not active (cancelled, ended, or its project deleted). */
export async function loadPromptWork(sql: Sql, jobId: number): Promise<PromptWork | null> {
  const [row] = await sql<
    { project_id: number; status: string; remaining: number[]; written: number; notes: string }[]
  >`
    select project_id, status, sentence_ids[written + 1:] as remaining, written, notes
    from prompt_jobs where id = ${jobId}`;
  if (!row || row.status !== "active") return null;
  const script = await readScriptContext(sql, row.project_id);
  if (!script) return null;
  return { jobId, projectId: row.project_id, script, remaining: row.remaining, written: row.written, notes: row.notes };
}

/** A scene the writer is to write now, with the creator's image prompt when they wrote one. */
export interface OpenScene {
  sentenceId: number;
  fixedImagePrompt?: string;
}

/**
 * Of these scenes, the ones that still exist and have a prompt the creator did not write, in the
 * given order. (Read without the lock: saving checks again.)
 */
export async function openScenes(sql: Sql, sentenceIds: number[]): Promise<OpenScene[]> {
  const rows = await sql<{ id: number; image_prompt: string; image_creator: boolean; video_creator: boolean }[]>`
    select id, image_prompt, image_prompt_source = 'creator' as image_creator,
      video_prompt_source = 'creator' as video_creator
    from sentences where id = any(${sentenceIds}::int[])
    order by array_position(${sentenceIds}::int[], id)`;
  return rows.filter((r) => !(r.image_creator && r.video_creator)).map((r) =>
    r.image_creator ? { sentenceId: r.id, fixedImagePrompt: r.image_prompt } : { sentenceId: r.id }
  );
}

/** One written batch to save. */
export interface PromptBatch {
  /**
   * The job's count of scenes done once this batch is saved (the batch's scenes count whether they
   * were written or had nothing left to write). A count, not an increment, so saving twice (after a
   * lost commit) changes nothing.
   */
  writtenAfter: number;
  /** The job's last batch: the job then ends `completed`, else the next batch's job is queued. */
  last: boolean;
  prompts: { sentenceId: number; imagePrompt: string; videoPrompt: string }[];
  notes: string;
}

/**
 * Saves a batch: each prompt whose source is not 'creator' (checked under the lock) is written and
 * marked 'writer' — an image prompt equal to the sentence itself stays 'script', so it keeps
 * following edits of the text. Then the next batch is queued, or the job ends. Returns false,
 * saving nothing, when the job is no longer active.
 */
export async function savePromptBatch(sql: Sql, jobId: number, batch: PromptBatch): Promise<boolean> {
  return await sql.begin(async (tx) => {
    let projectId: number;
    try {
      projectId = await lockJobProject(tx, jobId);
    } catch (error) {
      if (error instanceof NotFoundError) return false; // its project was deleted
      throw error;
    }
    const [job] = await tx<{ status: string }[]>`select status from prompt_jobs where id = ${jobId}`;
    if (job.status !== "active") return false;
    const ids = batch.prompts.map((p) => p.sentenceId);
    const changed = ids.length === 0 ? [] : await tx<{ id: number }[]>`
      update sentences s set
        image_prompt = case when s.image_prompt_source = 'creator' then s.image_prompt else w.image end,
        image_prompt_source = case
          when s.image_prompt_source = 'creator' then 'creator'
          when w.image = left(s.text, ${LIMITS.promptChars}) then 'script'
          else 'writer' end,
        video_prompt = case when s.video_prompt_source = 'creator' then s.video_prompt else w.video end,
        video_prompt_source = case when s.video_prompt_source = 'creator' then 'creator' else 'writer' end,
        updated_at = now()
      from unnest(${ids}::int[], ${batch.prompts.map((p) => p.imagePrompt)}::text[],
        ${batch.prompts.map((p) => p.videoPrompt)}::text[]) as w(id, image, video)
      where s.id = w.id and s.project_id = ${projectId}
        and ((s.image_prompt_source <> 'creator' and s.image_prompt <> w.image)
          or (s.video_prompt_source <> 'creator' and s.video_prompt <> w.video))
      returning s.id`;
    const changedIds = new Set(changed.map((r) => r.id));
    const sentences = await getSentences(tx, projectId, ids.filter((id) => changedIds.has(id)));
    const events: PendingEvent[] = sentences.map((sentence) => ({
      type: "sentence.updated",
      data: sentence as unknown as Record<string, unknown>,
    }));
    const [row] = await tx<PromptJobRow[]>`
      update prompt_jobs set written = greatest(written, least(total, ${batch.writtenAfter})), notes = ${batch.notes},
        updated_at = now()
      where id = ${jobId}
      returning ${promptJobColumns(tx)}`;
    events.push(promptsEvent(row));
    await appendEvents(tx, projectId, null, events);
    if (batch.last) await endPromptJob(tx, jobId, "completed");
    else await enqueuePromptJob(tx, jobId);
    return true;
  });
}

/** Ends an active prompt job (`completed`, or `failed` with the creator-readable reason); a no-op otherwise. */
export async function finishPromptJob(
  sql: Sql,
  jobId: number,
  status: "completed" | "failed",
  error: string | null = null,
): Promise<void> {
  await sql.begin(async (tx) => {
    try {
      await lockJobProject(tx, jobId);
    } catch (e) {
      if (e instanceof NotFoundError) return;
      throw e;
    }
    await endPromptJob(tx, jobId, status, error);
  });
}

/** Hands an interrupted batch (its worker is shutting down) back to the queue, to be written at once elsewhere. */
export async function releasePromptJob(sql: Sql, jobId: number): Promise<void> {
  await sql.begin(async (tx) => {
    const [row] = await tx<{ status: string }[]>`select status from prompt_jobs where id = ${jobId}`;
    if (row?.status === "active") await enqueuePromptJob(tx, jobId);
  });
}
