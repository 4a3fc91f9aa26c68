/**
 * "Write prompts": starting a prompt job for a project, a section or some scenes; cancelling it;
 * reading it. Like runs (./runs.ts), each operation is one transaction that first locks the
 * project row, so double clicks and several tabs are applied one after the other: a project has at
 * most one active prompt job (also enforced by the unique index prompt_jobs_one_active), and a
 * second request gets the active one. The job is enqueued in the same transaction. The worker's
 * side (writing batch by batch) is in ./prompt_writing.ts.
 *
 * A job writes only scenes with a prompt the creator did not write (`*_prompt_source <> 'creator'`);
 * the worker re-checks that under the lock when it saves, so a creator's edit always wins.
 */
import type { Sql, Tx } from "../db/client.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import type { PromptJobScope, PromptJobStatus, PromptJobView, PromptsUpdate } from "../types.ts";
import { lockProject } from "./parts.ts";
import { enqueuePromptJob, hasLiveJob, stopPromptJob } from "./prompt_queue.ts";

/** What to write: the listed scenes, one section, or (neither) the whole project. */
export interface PromptJobTarget {
  sentenceIds?: number[];
  sectionId?: number;
}

/** A row of `prompt_jobs`. */
export interface PromptJobRow {
  id: number;
  project_id: number;
  status: PromptJobStatus;
  scope: PromptJobScope;
  section_id: number | null;
  total: number;
  written: number;
  notes: string;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** A prompt job as the API shows it. */
export function toPromptJobView(row: PromptJobRow): PromptJobView {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status,
    scope: row.scope,
    sectionId: row.section_id,
    total: row.total,
    written: row.written,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The `prompts.updated` event of a job's current state. */
export function promptsEvent(row: PromptJobRow): PendingEvent {
  const data: PromptsUpdate = {
    jobId: row.id,
    status: row.status,
    scope: row.scope,
    sectionId: row.section_id,
    total: row.total,
    written: row.written,
  };
  if (row.error) data.error = row.error;
  return { type: "prompts.updated", data: data as unknown as Record<string, unknown> };
}

/** The columns read everywhere (not the sentence list). */
export function promptJobColumns(sql: Sql | Tx) {
  return sql`id, project_id, status, scope, section_id, total, written, notes, error, created_at, finished_at`;
}

/**
 * Starts writing prompts for `target` in project `projectId`, or returns the project's active prompt
 * job (`created: false`). NotFoundError for an unknown project; InvalidInputError for scenes or a
 * section of another project; ConflictError when every targeted scene's prompts are the creator's.
 */
export async function startPromptJob(
  sql: Sql,
  projectId: number,
  target: PromptJobTarget = {},
): Promise<{ job: PromptJobView; created: boolean }> {
  return await sql.begin(async (tx) => {
    if (!(await lockProject(tx, projectId))) throw new NotFoundError(`There is no project with id ${projectId}.`);
    const [active] = await tx<PromptJobRow[]>`
      select ${promptJobColumns(tx)} from prompt_jobs where project_id = ${projectId} and status = 'active'`;
    if (active) {
      if (await hasLiveJob(tx, active.id)) return { job: toPromptJobView(active), created: false };
      // Its worker job is gone for good (crashed past its tries): close it, and start afresh.
      await endPromptJob(tx, active.id, "failed", "Writing prompts stopped unexpectedly; start it again.");
    }
    const ids = await targetedSentences(tx, projectId, target);
    const scope: PromptJobScope = target.sentenceIds
      ? "scenes"
      : target.sectionId !== undefined
      ? "section"
      : "project";
    const [row] = await tx<PromptJobRow[]>`
      insert into prompt_jobs (project_id, scope, section_id, sentence_ids, total)
      values (${projectId}, ${scope}, ${target.sectionId ?? null}, ${ids}::int[], ${ids.length})
      returning ${promptJobColumns(tx)}`;
    await enqueuePromptJob(tx, row.id);
    await appendEvents(tx, projectId, null, [promptsEvent(row)]);
    return { job: toPromptJobView(row), created: true };
  });
}

/**
 * The targeted scenes that have a prompt the creator did not write, in script order. Throws when
 * the target is not in the project or leaves nothing to write.
 */
async function targetedSentences(tx: Tx, projectId: number, target: PromptJobTarget): Promise<number[]> {
  const { sentenceIds, sectionId } = target;
  if (sentenceIds) {
    const found = await tx<{ id: number }[]>`
      select id from sentences where project_id = ${projectId} and id = any(${sentenceIds}::int[])`;
    const known = new Set(found.map((r) => r.id));
    const unknown = [...new Set(sentenceIds)].filter((id) => !known.has(id));
    if (unknown.length) {
      throw new InvalidInputError(
        "sentenceIds",
        `${unknown.length === 1 ? "Sentence" : "Sentences"} ${unknown.join(", ")} ${
          unknown.length === 1 ? "is" : "are"
        } not a scene of this project.`,
      );
    }
  }
  if (sectionId !== undefined) {
    const [section] = await tx`select 1 from sections where id = ${sectionId} and project_id = ${projectId}`;
    if (!section) throw new InvalidInputError("sectionId", `Section ${sectionId} is not a section of this project.`);
  }
  const rows = await tx<{ id: number; open: boolean }[]>`
    select s.id, (s.image_prompt_source <> 'creator' or s.video_prompt_source <> 'creator') as open
    from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${projectId}
      and (${sentenceIds ?? null}::int[] is null or s.id = any(${sentenceIds ?? null}::int[]))
      and (${sectionId ?? null}::int is null or s.section_id = ${sectionId ?? null}::int)
    order by sec.position, s.position`;
  if (rows.length === 0) {
    throw new ConflictError(
      sectionId !== undefined
        ? "This section has no scenes, so there are no prompts to write."
        : "This project has no scenes, so there are no prompts to write. Add a script first.",
    );
  }
  const open = rows.filter((r) => r.open).map((r) => r.id);
  if (open.length === 0) {
    throw new ConflictError(
      `${
        rows.length === 1
          ? "This scene's image and video prompts are"
          : "The image and video prompts of every scene here are"
      } your own, and the prompt writer never changes those: there is nothing to write. Clear a video prompt to have it written.`,
    );
  }
  return open;
}

/**
 * Cancels a prompt job: it ends `cancelled`, its queued job is removed and a running one is told to
 * stop; what it wrote stays. A job that has already ended is returned as it is
 * (`cancelled: false`). NotFoundError for an unknown job.
 */
export async function cancelPromptJob(sql: Sql, jobId: number): Promise<{ job: PromptJobView; cancelled: boolean }> {
  return await sql.begin(async (tx) => {
    await lockJobProject(tx, jobId);
    const ended = await endPromptJob(tx, jobId, "cancelled");
    if (ended) await stopPromptJob(tx, jobId);
    return { job: (await readPromptJob(tx, jobId))!, cancelled: ended !== null };
  });
}

/**
 * Ends an active prompt job (`completed`, `failed` with a message, or `cancelled`) and writes its
 * event, inside the caller's transaction, which holds the project lock. Returns the ended row, or
 * null when the job was no longer active.
 */
export async function endPromptJob(
  tx: Tx,
  jobId: number,
  status: Exclude<PromptJobStatus, "active">,
  error: string | null = null,
): Promise<PromptJobRow | null> {
  const [row] = await tx<PromptJobRow[]>`
    update prompt_jobs set status = ${status}, error = ${error}, finished_at = now(), updated_at = now()
    where id = ${jobId} and status = 'active'
    returning ${promptJobColumns(tx)}`;
  if (row) await appendEvents(tx, row.project_id, null, [promptsEvent(row)]);
  return row ?? null;
}

/** Locks the project of a prompt job; returns the project id. NotFoundError when there is no such job. */
export async function lockJobProject(tx: Tx, jobId: number): Promise<number> {
  const [job] = await tx<{ project_id: number }[]>`select project_id from prompt_jobs where id = ${jobId}`;
  if (!job || !(await lockProject(tx, job.project_id))) {
    throw new NotFoundError(`There is no prompt job with id ${jobId}.`);
  }
  return job.project_id;
}

/** One prompt job's row; undefined when there is none. */
export async function readPromptJob(sql: Sql | Tx, jobId: number): Promise<PromptJobView | undefined> {
  const [row] = await sql<PromptJobRow[]>`select ${promptJobColumns(sql)} from prompt_jobs where id = ${jobId}`;
  return row ? toPromptJobView(row) : undefined;
}

/** One prompt job; NotFoundError when there is none. */
export async function getPromptJob(sql: Sql, jobId: number): Promise<PromptJobView> {
  const job = await readPromptJob(sql, jobId);
  if (!job) throw new NotFoundError(`There is no prompt job with id ${jobId}.`);
  return job;
}

/** The project's active prompt job, else its latest one, else null (what the storyboard shows). */
export async function currentPromptJob(sql: Sql, projectId: number): Promise<PromptJobView | null> {
  const [row] = await sql<PromptJobRow[]>`
    select ${promptJobColumns(sql)} from prompt_jobs where project_id = ${projectId}
    order by (status = 'active') desc, id desc limit 1`;
  return row ? toPromptJobView(row) : null;
}
