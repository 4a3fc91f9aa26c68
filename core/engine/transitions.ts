/**
 * The worker's side of the scene-part state machine: `queued → running → done | failed`, plus the
 * ways back to `queued` (a retry after a transient error, an interrupted job). Each transition is
 * one transaction that locks the project row first (the lock start, cancel and retry take too, so a
 * project's state changes one at a time), re-reads the part, changes it only if it still belongs to
 * the caller's run and state, writes its events, and enqueues any follow-up job in the same
 * transaction. A job therefore never writes into a scene that was deleted, cancelled or queued
 * again by another run meanwhile: its transition finds nothing to change and it discards its file.
 */
import type { Sql, Tx } from "../db/client.ts";
import { appendEvents, type PendingEvent } from "../live/events.ts";
import { writeVideoPrompt } from "../domain/video_prompt.ts";
import type { AspectRatio, PartName, PartPhase, PartStatus, SceneUpdate } from "../types.ts";
import {
  completeJobIn,
  enqueuePartJobs,
  type EnqueueSettings,
  enqueueThumbnail,
  HELD_RUN_AT,
  type RunningJob,
} from "./jobs.ts";
import { partEvent, readParts, updatePart } from "./parts.ts";
import { afterPartChange } from "./run_summary.ts";
import { addTake, type NewTake } from "./takes.ts";
import { wordSpans } from "../../media/audio/word_spans.ts";

/** Settings the transitions need from the configuration. */
export interface TransitionSettings extends EnqueueSettings {
  /** Takes kept per part (TAKES_KEPT). */
  takesKept: number;
}

/** One part of a sentence as a transition sees it, read after taking the project lock. */
interface ClaimRow {
  project_id: number;
  aspect_ratio: AspectRatio;
  clip_seconds: number;
  text: string;
  image_prompt: string;
  video_prompt: string;
  status: PartStatus;
  run_id: number | null;
  attempts: number;
  chain: boolean;
  phase: PartPhase | null;
  image_status: PartStatus;
  image_take_id: string | null;
  image_path: string | null;
  audio_ms: number | null;
  run_status: string | null;
}

/**
 * Locks the sentence's project and then reads the part, its scene and the status of run `runId`,
 * pipelined in one round trip. Postgres runs the two statements in order and the read takes its
 * snapshot after the lock is granted, so it sees every change committed by whoever held it before.
 */
async function lockAndRead(tx: Tx, part: PartName, sentenceId: number, runId: number): Promise<ClaimRow | undefined> {
  const [, [row]] = await Promise.all([
    tx`select 1 from projects where id = (select project_id from sentences where id = ${sentenceId}) for no key update`,
    tx<ClaimRow[]>`
      select s.project_id, pr.aspect_ratio, pr.clip_seconds, s.text, s.image_prompt, s.video_prompt,
        p.status, p.run_id, p.attempts, p.chain, p.phase,
        i.status as image_status, i.take_id::text as image_take_id, it.path as image_path,
        at.duration_ms as audio_ms,
        (select r.status from scene_runs r where r.id = ${runId}) as run_status
      from scene_parts p
      join sentences s on s.id = p.sentence_id
      join projects pr on pr.id = s.project_id
      join scene_parts i on i.sentence_id = s.id and i.kind = 'image'
      left join takes it on it.id = i.take_id
      join scene_parts a on a.sentence_id = s.id and a.kind = 'audio'
      left join takes at on at.id = a.take_id
      where p.sentence_id = ${sentenceId} and p.kind = ${part}`,
  ]);
  return row;
}

/** What a worker needs to generate a part it claimed. */
export interface ClaimedPart {
  part: PartName;
  runId: number;
  sentenceId: number;
  projectId: number;
  aspectRatio: AspectRatio;
  /** The project's clip length, used when the scene has no narration. */
  clipSeconds: number;
  /** The scene's narration length when it has narration (a video then follows it). */
  narrationMs: number | null;
  text: string;
  /** The prompt to send: the image prompt, the (possibly just written) video prompt, or the text. */
  prompt: string;
  /** For videos: the stored path of the source image and its take. */
  imagePath: string | null;
  imageTakeId: number | null;
  /** The seed of this attempt (below 2^53, so it is stored and read back exactly). */
  seed: number;
  attempt: number;
  /** The GPU server the job was assigned to, when its kind is spread over several (./gpu_servers.ts). */
  server?: string;
}

/** A random seed that JavaScript, JSON and Postgres bigint all hold exactly. */
export function newSeed(): number {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2));
  return (hi & 0x1fffff) * 2 ** 32 + lo;
}

/**
 * queued → running, when the part still belongs to `runId` and the run is active; null otherwise
 * (cancelled, queued again by a newer run, sentence deleted): the job then has nothing to do. A
 * video without a finished image fails at once; a video part with an empty video prompt gets one
 * written and saved here, and its event carries it.
 */
export async function claimPart(
  sql: Sql,
  target: { part: PartName; runId: number; sentenceId: number; attempt: number },
): Promise<ClaimedPart | null> {
  return await sql.begin((tx) => claimPartIn(tx, target));
}

/** {@link claimPart} inside the caller's transaction (a section job claims more parts in the same one). */
export async function claimPartIn(
  tx: Tx,
  target: { part: PartName; runId: number; sentenceId: number; attempt: number },
): Promise<ClaimedPart | null> {
  const { part, runId, sentenceId } = target;
  const row = await lockAndRead(tx, part, sentenceId, runId);
  if (!row || row.run_status !== "active" || row.run_id !== runId) return null;
  if (row.status !== "queued" && row.status !== "running") return null;
  if (part === "video" && (row.image_status !== "done" || !row.image_path)) {
    const event = await updatePart(tx, part, sentenceId, {
      status: "failed",
      error: "The video cannot be made because the scene has no finished image. Generate the image first.",
    });
    await afterPartChange(tx, runId, [event]);
    return null;
  }
  let prompt = part === "image" ? row.image_prompt : part === "video" ? row.video_prompt : row.text;
  const extra: Partial<SceneUpdate> = {};
  if (part === "video" && prompt.trim() === "") {
    // Only where the prompt is still empty: a creator's edit that commits meanwhile wins (the
    // update then matches no row under read committed) and is the prompt the video is made from.
    const written = writeVideoPrompt({ imagePrompt: row.image_prompt, sentence: row.text });
    const [saved] = await tx<{ video_prompt: string }[]>`
      update sentences set video_prompt = ${written}, video_prompt_source = 'writer', updated_at = now()
      where id = ${sentenceId} and btrim(video_prompt) = ''
      returning video_prompt`;
    if (saved) {
      prompt = written;
      extra.videoPrompt = written;
    } else {
      [{ video_prompt: prompt }] = await tx<{ video_prompt: string }[]>`
        select video_prompt from sentences where id = ${sentenceId}`;
    }
  }
  const event = await updatePart(tx, part, sentenceId, {
    status: "running",
    error: null,
    attempts: target.attempt,
    phase: null,
    retryAt: null,
  }, extra);
  await appendEvents(tx, row.project_id, runId, [event]);
  return {
    part,
    runId,
    sentenceId,
    projectId: row.project_id,
    aspectRatio: row.aspect_ratio,
    clipSeconds: row.clip_seconds,
    narrationMs: row.audio_ms,
    text: row.text,
    prompt,
    imagePath: row.image_path,
    imageTakeId: row.image_take_id === null ? null : Number(row.image_take_id),
    seed: newSeed(),
    attempt: target.attempt,
  };
}

/** The claimed part re-read under the project lock, if it is still running for its run. */
async function stillRunning(tx: Tx, claim: ClaimedPart): Promise<ClaimRow | null> {
  const row = await lockAndRead(tx, claim.part, claim.sentenceId, claim.runId);
  return row && row.run_id === claim.runId && row.status === "running" ? row : null;
}

/** What {@link completePart} stored. */
export interface CompletedPart {
  /** False when the part no longer expects this result: the caller deletes its files. */
  kept: boolean;
  /** Files of takes that fell out of the kept window: delete them after the commit. */
  dropped: string[];
}

/** The fields of a new take that the worker knows (the claim supplies the rest). */
export type MadeTake = Omit<NewTake, "sentenceId" | "kind" | "prompt" | "seed" | "aspectRatio" | "sourceTakeId"> & {
  /** Whether the file is large enough to need a thumbnail (made afterwards, off the generation queues). */
  needsThumbnail?: boolean;
};

/**
 * running → done with a new take. For an image with `chain` set, unless the run was cancelled, the
 * scene's video is queued and its job enqueued in the same transaction (held until the run's images
 * are through when `imagesFirst`). When the part no longer expects this result (cancelled meanwhile,
 * or claimed again after this worker was taken for dead) nothing is stored and `kept` is false.
 */
export async function completePart(
  sql: Sql,
  claim: ClaimedPart,
  take: MadeTake,
  settings: TransitionSettings & { imagesFirst?: boolean },
): Promise<CompletedPart> {
  return (await completeParts(sql, [{ claim, take }], settings))[0];
}

/**
 * {@link completePart} for several parts of one run in one transaction (a section's narration: its
 * sentences become done together), with one run summary after them all. Returns, in order, what
 * was stored for each. Given the graphile-worker `job` that made them (this being the last thing it
 * does), the job is completed in the same transaction ({@link completeJobIn}), so its queue's next
 * job can start as soon as this commits.
 */
export async function completeParts(
  sql: Sql,
  items: { claim: ClaimedPart; take: MadeTake }[],
  settings: TransitionSettings & { imagesFirst?: boolean },
  job?: RunningJob,
): Promise<CompletedPart[]> {
  if (items.length === 0) return [];
  return await sql.begin(async (tx) => {
    const results: CompletedPart[] = [];
    const events: PendingEvent[] = [];
    for (const { claim, take } of items) {
      const done = await completeIn(tx, claim, take, settings);
      results.push(done);
      events.push(...done.events);
    }
    // Pipelined with the run's summary: one round trip for both.
    await Promise.all([
      events.length ? afterPartChange(tx, items[0].claim.runId, events) : null,
      job ? completeJobIn(tx, job) : null,
    ]);
    return results.map(({ kept, dropped }) => ({ kept, dropped }));
  });
}

async function completeIn(
  tx: Tx,
  claim: ClaimedPart,
  take: MadeTake,
  settings: TransitionSettings & { imagesFirst?: boolean },
): Promise<CompletedPart & { events: PendingEvent[] }> {
  const row = await stillRunning(tx, claim);
  if (!row) {
    // Run again after a commit whose answer was lost: the take is there, keep its file.
    const [stored] = await tx`select 1 from takes where path = ${take.path}`;
    return { kept: stored !== undefined, dropped: [], events: [] };
  }
  const { needsThumbnail, ...stored } = take;
  const { takeId, dropped } = await addTake(tx, {
    ...stored,
    sentenceId: claim.sentenceId,
    kind: claim.part,
    prompt: claim.prompt,
    seed: claim.seed,
    aspectRatio: claim.aspectRatio,
    sourceTakeId: claim.part === "video" ? claim.imageTakeId : null,
  }, settings.takesKept);
  const extra: Partial<SceneUpdate> = take.words ? { words: wordSpans(claim.prompt, take.words) } : {};
  const chain = claim.part === "image" && row.chain && row.run_status === "active";
  const hold = settings.imagesFirst === true;
  // One round trip for the rest (pipelined; Postgres runs them in this order): the thumbnail's job,
  // the part done, and for a chained image its video queued with its job.
  const [, done, queued] = await Promise.all([
    needsThumbnail ? enqueueThumbnail(tx, takeId) : null,
    updatePart(tx, claim.part, claim.sentenceId, { status: "done", error: null, takeId }, extra),
    chain
      ? updatePart(tx, "video", claim.sentenceId, {
        status: "queued",
        runId: claim.runId,
        error: null,
        attempts: 0,
        phase: hold ? "held" : null,
        retryAt: null,
        madeBy: null,
      })
      : null,
    chain
      ? enqueuePartJobs(tx, [{
        part: "video",
        runId: claim.runId,
        sentenceId: claim.sentenceId,
        runAt: hold ? HELD_RUN_AT : undefined,
      }], settings)
      : null,
  ]);
  return { kept: true, dropped, events: queued ? [done, queued] : [done] };
}

/**
 * A failed attempt. With `retryInMs` (a transient error with attempts left) the part goes back to
 * `queued`, phase `retrying`, with the error shown and a new job for the same key that waits that
 * long, carrying the attempt count; otherwise the part ends `failed` (an image that fails gets no
 * video job). Returns whether a retry was scheduled.
 */
export async function failPart(
  sql: Sql,
  claim: ClaimedPart,
  error: string,
  settings: EnqueueSettings & { retryInMs: number | null; keepAttempt?: boolean },
): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row) return false;
    if (settings.retryInMs !== null && row.run_status === "active") {
      const attempts = settings.keepAttempt ? Math.max(0, claim.attempt - 1) : claim.attempt;
      const event = await updatePart(tx, claim.part, claim.sentenceId, {
        status: "queued",
        error,
        attempts,
        phase: "retrying",
        retryAt: new Date(Date.now() + settings.retryInMs),
        madeBy: null,
      });
      await Promise.all([
        enqueuePartJobs(tx, [{
          part: claim.part,
          runId: claim.runId,
          sentenceId: claim.sentenceId,
          delayMs: settings.retryInMs,
          attempts,
        }], settings),
        appendEvents(tx, claim.projectId, claim.runId, [event]),
      ]);
      return true;
    }
    const event = await updatePart(tx, claim.part, claim.sentenceId, { status: "failed", error });
    await afterPartChange(tx, claim.runId, [event]);
    return false;
  });
}

/**
 * A video whose source image turned out unreadable (cut off by a full disk, damaged on the disk):
 * the image is made again in the same run, and the video follows it (the image is queued with
 * `chain`); meanwhile the video waits, idle, with `message` saying why. Nothing happens when the
 * video no longer runs for its run.
 */
export async function redoSourceImage(
  sql: Sql,
  claim: ClaimedPart,
  message: string,
  settings: EnqueueSettings,
): Promise<void> {
  await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row || claim.part !== "video") return;
    const events = [
      await updatePart(tx, "video", claim.sentenceId, { status: "idle", error: message, attempts: 0 }),
    ];
    if (row.run_status === "active") {
      events.push(
        await updatePart(tx, "image", claim.sentenceId, {
          status: "queued",
          runId: claim.runId,
          error: null,
          attempts: 0,
          phase: null,
          retryAt: null,
          chain: true,
        }),
      );
      await enqueuePartJobs(
        tx,
        [{ part: "image", runId: claim.runId, sentenceId: claim.sentenceId }],
        settings,
      );
    }
    await afterPartChange(tx, claim.runId, events);
  });
}

/**
 * The job was stopped before it finished (worker shutdown, or an abort that no cancel explains):
 * if the run is still active the part is queued again under a new job that does not count the
 * interrupted attempt and, given `runAt` (the interrupted job's run_at), keeps its place ahead of
 * the parts queued after it; if the run was cancelled meanwhile, the part ends `cancelled`.
 */
export async function releaseInterruptedPart(
  sql: Sql,
  claim: ClaimedPart,
  settings: EnqueueSettings & { runAt?: Date },
): Promise<void> {
  await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row) return;
    if (row.run_status === "active") {
      const attempts = Math.max(0, claim.attempt - 1);
      const event = await updatePart(tx, claim.part, claim.sentenceId, {
        status: "queued",
        attempts,
        phase: null,
        madeBy: null,
      });
      await Promise.all([
        enqueuePartJobs(
          tx,
          [{ part: claim.part, runId: claim.runId, sentenceId: claim.sentenceId, attempts, runAt: settings.runAt }],
          settings,
        ),
        appendEvents(tx, claim.projectId, claim.runId, [event]),
      ]);
    } else {
      const event = await updatePart(tx, claim.part, claim.sentenceId, { status: "cancelled", error: null });
      await afterPartChange(tx, claim.runId, [event]);
    }
  });
}

/**
 * A `scene.updated` event with the provider's progress (0..1) while a part runs; the fraction is
 * not stored. Written under the project lock and only while the part is still running, so a
 * progress report never follows the part's final event.
 */
export async function reportProgress(sql: Sql, claim: ClaimedPart, fraction: number): Promise<void> {
  await sql.begin(async (tx) => {
    if (!(await stillRunning(tx, claim))) return;
    const [row] = await readParts(tx, claim.part, [claim.sentenceId]);
    await appendEvents(tx, claim.projectId, claim.runId, [
      partEvent(row, { progress: Math.round(fraction * 1000) / 1000 }),
    ]);
  });
}

/**
 * Records what a running part waits for (`waiting`: behind other work on the GPU server) or that it
 * runs again (null), with its event; nothing happens once the part stopped running.
 */
export async function reportPhase(sql: Sql, claim: ClaimedPart, phase: "waiting" | null): Promise<void> {
  await sql.begin(async (tx) => {
    const row = await stillRunning(tx, claim);
    if (!row || row.phase === phase) return;
    const event = await updatePart(tx, claim.part, claim.sentenceId, { status: "running", phase });
    await appendEvents(tx, claim.projectId, claim.runId, [event]);
  });
}
