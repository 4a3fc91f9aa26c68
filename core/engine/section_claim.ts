/**
 * Claiming a section's narration in one job. A voice reads a whole section best in one request (the
 * flow of a paragraph, not of separate sentences), but the engine keeps one job per scene part
 * (`audio:<sentenceId>`, all on the `audio` queue). The two meet like this:
 *
 * - Every queued audio part has its own job, as always; the `audio` queue runs them one at a time
 *   in scene order, so the first sentence of a section comes first.
 * - When the voice can read sections (see workers/tasks/narration_maker.ts), that job claims, in the
 *   same transaction under the project lock, its own part and every other audio part of the same
 *   section that is queued in the same run and whose job is not running (and those its own earlier
 *   attempt claimed, should it run again after its worker died). Their jobs are removed and
 *   they record the claiming job in `made_by_job`; they all become `running` (one
 *   `scenes.updated` event).
 * - The job narrates the section once, then completes the parts together (core/engine/transitions.ts
 *   completeParts) or fails / releases each like a part of its own — which gives each its own job
 *   back (`made_by_job` is cleared whenever a part leaves queued/running or gets a job of its own).
 *
 * So a part in flight always has exactly one job behind it: its own or the one in `made_by_job`.
 * Cancel removes the claiming job with the others (it is a part's own job) and aborts it; crash
 * recovery (./recovery.ts) and the invariants read `coalesce(made_by_job, own key)`, so a part
 * whose claiming job died is failed, released or queued again like any other.
 */
import type { Sql, Tx } from "../db/client.ts";
import { appendEvents } from "../live/events.ts";
import { jobKey, removePartJobs } from "./jobs.ts";
import { bulkEvent } from "./parts.ts";
import { type ClaimedPart, claimPartIn, newSeed } from "./transitions.ts";

/**
 * Claims the audio part of `target` and the other queued audio parts of its section and run (see
 * the module documentation). Returns the claims in reading order, the target's first; empty when the
 * target no longer expects this job.
 */
export async function claimSectionNarration(
  sql: Sql,
  target: { runId: number; sentenceId: number; attempt: number },
): Promise<ClaimedPart[]> {
  return await sql.begin(async (tx) => {
    const lead = await claimPartIn(tx, { ...target, part: "audio" });
    if (!lead) return [];
    return [lead, ...await claimSiblings(tx, lead)];
  });
}

/**
 * The other audio parts of the lead's section queued for the same run, whose own job is not
 * running (the `audio` queue runs one job at a time, so normally none is), in reading order.
 */
async function claimSiblings(tx: Tx, lead: ClaimedPart): Promise<ClaimedPart[]> {
  const madeBy = jobKey("audio", lead.sentenceId);
  // Running parts made by this job are the ones its previous attempt claimed before its worker
  // died (the job is being run again before recovery handed them back).
  const rows = await tx<{ sentence_id: number; text: string; attempts: number }[]>`
    select p.sentence_id, s.text, p.attempts
    from scene_parts p join sentences s on s.id = p.sentence_id
    where p.kind = 'audio' and p.run_id = ${lead.runId}
      and (p.status = 'queued' or (p.status = 'running' and p.made_by_job = ${madeBy}))
      and p.sentence_id <> ${lead.sentenceId}
      and s.section_id = (select section_id from sentences where id = ${lead.sentenceId})
      and not exists (
        select 1 from graphile_worker.jobs j
        where j.key = 'audio:' || p.sentence_id and j.locked_at is not null)
    order by s.position`;
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.sentence_id);
  await removePartJobs(tx, ids.map((sentenceId) => ({ part: "audio" as const, sentenceId })));
  await tx`
    update scene_parts set status = 'running', error = null, attempts = attempts + 1, phase = null,
      retry_at = null, made_by_job = ${madeBy}, updated_at = now()
    where kind = 'audio' and sentence_id = any(${ids}::int[])`;
  await appendEvents(tx, lead.projectId, lead.runId, [
    bulkEvent("audio", ids, { status: "running", phase: null, error: null }),
  ]);
  return rows.map((r) => ({
    ...lead,
    sentenceId: r.sentence_id,
    narrationMs: null,
    text: r.text,
    prompt: r.text,
    seed: newSeed(),
    attempt: r.attempts + 1,
  }));
}
