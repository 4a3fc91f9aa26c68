/**
 * Bulk generation runs: start, cancel, retry the failures, and read a run's summary. Each
 * operation is one transaction that first locks the project row, so double clicks, several tabs or
 * many concurrent requests are applied one after the other: there is never a second active run
 * (also enforced by the unique index scene_runs_one_active) nor a second job for a scene part.
 * Jobs are enqueued in the same transaction as the state change: no job without its queued part,
 * no queued part without its job. A run's state changes are written as one `scenes.updated` event
 * per part kind, so starting or cancelling a 20,000-scene run writes a handful of event rows.
 */
import type { Sql, Tx } from "../db/client.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { appendEvents } from "../live/events.ts";
import type { PartName, RunSummary } from "../types.ts";
import {
  CANCEL_CHANNEL,
  enqueuePartJobs,
  type EnqueueSettings,
  HELD_RUN_AT,
  type PartJob,
  removePartJobs,
} from "./jobs.ts";
import { lockProject, type PartChanges, startPartsUpdate, updatePartsWithEvents } from "./parts.ts";
import { afterPartChange, runSummary, summaryData } from "./run_summary.ts";

/** Settings the run operations need from the configuration. */
export interface RunSettings extends EnqueueSettings {
  /** A run on one GPU server makes all its images first, then its videos (SCENE_ORDER). */
  imagesFirst?: boolean;
}

/** The result of starting (or retrying into) a run. */
export interface StartedRun {
  run: RunSummary;
  /** False when an active run already existed and was returned as is. */
  created: boolean;
}

/**
 * Which scenes Generate All covers: `missing` parts (the default), parts whose take is out of date
 * (`changed`), or `all` of them again.
 */
export type GenerateScope = "missing" | "changed" | "all";

/** A part to queue, and whether a queued image is followed by its video. */
interface QueuedPart {
  part: PartName;
  sentenceId: number;
  chain?: boolean;
}

/**
 * Starts generating the images and videos of a project: for `missing`, an image (then its video)
 * for each scene without a finished image and a video for each scene with an image but no finished
 * video; for `changed`, the same for out-of-date images and videos; for `all`, every scene's image
 * and video. Returns the active run instead when there is one. NotFoundError for an unknown
 * project, ConflictError when the project has no sentences or nothing is left to do.
 */
export async function startRun(
  sql: Sql,
  projectId: number,
  settings: RunSettings,
  scope: GenerateScope = "missing",
): Promise<StartedRun> {
  return await sql.begin(async (tx) => {
    await lockOrThrow(tx, projectId);
    const active = await activeRunId(tx, projectId);
    if (active !== null) return { run: (await runSummary(tx, active))!, created: false };
    const rows = await sceneStates(tx, projectId, scope === "changed");
    if (rows.length === 0) {
      throw new ConflictError(
        "This project has no sentences, so there are no scenes to generate. Add a script with at least one sentence first.",
      );
    }
    const parts: QueuedPart[] = [];
    for (const r of rows) {
      const image = scope === "all" || (scope === "missing" ? r.image_status !== "done" : r.image_outdated);
      const video = scope === "missing" ? r.video_status !== "done" : r.video_outdated;
      if (image) parts.push({ part: "image", sentenceId: r.id, chain: true });
      else if (video) parts.push({ part: "video", sentenceId: r.id });
    }
    if (parts.length === 0) {
      throw new ConflictError(
        scope === "changed"
          ? "No scene's image or video is out of date: there is nothing to regenerate."
          : "Every scene of this project already has its image and video: there is nothing to generate.",
      );
    }
    const run = await createRun(tx, projectId);
    return { run: await queueParts(tx, projectId, run, parts, settings), created: true };
  });
}

/**
 * Makes the given parts of one scene again (a creator's "Regenerate"), joining the project's active
 * run or starting one. A new image makes the scene's video out of date, so it is made again too
 * unless `parts` is exactly `["image"]`. Parts already queued or running stay as they are.
 */
export async function regenerateScene(
  sql: Sql,
  sentenceId: number,
  parts: PartName[],
  settings: RunSettings,
): Promise<StartedRun> {
  return await sql.begin(async (tx) => {
    const [scene] = await tx<{ project_id: number }[]>`select project_id from sentences where id = ${sentenceId}`;
    if (!scene) throw new NotFoundError(`There is no sentence with id ${sentenceId}.`);
    await lockOrThrow(tx, scene.project_id);
    const states = await tx<{ kind: PartName; status: string }[]>`
      select kind, status from scene_parts where sentence_id = ${sentenceId}`;
    const live = new Set(states.filter((s) => s.status === "queued" || s.status === "running").map((s) => s.kind));
    const wanted = new Set(parts);
    const imageOnly = parts.length === 1 && wanted.has("image");
    const queued: QueuedPart[] = [];
    if (wanted.has("image") && !live.has("image")) {
      queued.push({ part: "image", sentenceId, chain: !imageOnly });
    } else if (wanted.has("video") && !live.has("video") && !live.has("image")) {
      queued.push({ part: "video", sentenceId });
    }
    if (wanted.has("audio") && !live.has("audio")) queued.push({ part: "audio", sentenceId });
    if (queued.length === 0) {
      throw new ConflictError(`Scene ${sentenceId} is already being generated: wait for it or cancel the run.`);
    }
    const active = await activeRunId(tx, scene.project_id);
    const run = active !== null ? { id: active } : await createRun(tx, scene.project_id);
    return { run: await queueParts(tx, scene.project_id, run, queued, settings), created: active === null };
  });
}

/** Which narration {@link startNarration} makes: `missing` (none yet, or its text changed) or `all`. */
export type NarrationScope = "missing" | "all";

/**
 * Queues the narration of a project ("Generate narration"), or of some of its sections ("Generate
 * section audio"): an audio part for every sentence without narration or whose text changed since
 * (`all`: every sentence), joining the project's active run or starting one; narration in flight is
 * left as it is. Sentences are queued in reading order, so a section's first sentence comes first
 * and, with a voice that reads sections, its job narrates the section (./section_claim.ts).
 * NotFoundError for an unknown project, InvalidInputError for section ids not of this project,
 * ConflictError when there is nothing to narrate.
 */
export async function startNarration(
  sql: Sql,
  projectId: number,
  settings: RunSettings,
  options: { sectionIds?: number[]; scope?: NarrationScope } = {},
): Promise<StartedRun> {
  const { sectionIds, scope = "missing" } = options;
  return await sql.begin(async (tx) => {
    await lockOrThrow(tx, projectId);
    if (sectionIds) {
      const found = await tx<{ id: number }[]>`
        select id from sections where project_id = ${projectId} and id = any(${sectionIds}::int[])`;
      const known = new Set(found.map((r) => r.id));
      const unknown = [...new Set(sectionIds)].filter((id) => !known.has(id));
      if (unknown.length) {
        throw new InvalidInputError(
          "sectionIds",
          `${unknown.length === 1 ? "Section" : "Sections"} ${unknown.join(", ")} ${
            unknown.length === 1 ? "is" : "are"
          } not in this project.`,
        );
      }
    }
    const rows = await tx<{ id: number; status: string; outdated: boolean }[]>`
      select s.id, a.status, a.outdated
      from sentences s
      join sections sec on sec.id = s.section_id
      join part_states a on a.sentence_id = s.id and a.kind = 'audio'
      where s.project_id = ${projectId}
        and (${sectionIds ?? null}::int[] is null or s.section_id = any(${sectionIds ?? null}::int[]))
      order by sec.position, s.position`;
    if (rows.length === 0) {
      throw new ConflictError("There are no sentences to narrate here. Add a script with at least one sentence first.");
    }
    const parts: QueuedPart[] = rows
      .filter((r) => r.status !== "queued" && r.status !== "running")
      .filter((r) => scope === "all" || r.status !== "done" || r.outdated)
      .map((r) => ({ part: "audio", sentenceId: r.id }));
    if (parts.length === 0) {
      throw new ConflictError(
        rows.some((r) => r.status === "queued" || r.status === "running")
          ? "This narration is already being generated: wait for it or cancel the run."
          : "Every sentence here already has its narration: there is nothing to narrate.",
      );
    }
    const active = await activeRunId(tx, projectId);
    const run = active !== null ? { id: active } : await createRun(tx, projectId);
    return { run: await queueParts(tx, projectId, run, parts, settings), created: active === null };
  });
}

/** The result of {@link cancelRun}. */
export interface CancelledRun {
  /** The run that was cancelled, or (when none was active) the latest run; null if none ever ran. */
  run: RunSummary | null;
  /** Scene parts that were queued or running and are now cancelled. */
  cancelled: number;
}

/**
 * Cancels the active run of a project: its queued jobs are removed, its queued and running parts
 * end `cancelled`, and workers are told (NOTIFY, delivered at commit) to abort the job that is
 * running. Without an active run nothing changes and `cancelled` is 0.
 */
export async function cancelRun(sql: Sql, projectId: number): Promise<CancelledRun> {
  return await sql.begin(async (tx) => {
    await lockOrThrow(tx, projectId);
    const runId = await activeRunId(tx, projectId);
    if (runId === null) {
      const latest = await latestRunId(tx, projectId);
      return { run: latest === null ? null : await runSummary(tx, latest), cancelled: 0 };
    }
    const live = await liveParts(tx, runId);
    await removePartJobs(tx, live);
    const events = await updatePartsWithEvents(tx, live, { status: "cancelled", error: null });
    await tx`
      update scene_runs set status = 'cancelled', cancelled_at = now(), finished_at = now() where id = ${runId}`;
    const summary = await afterPartChange(tx, runId, events);
    await appendEvents(tx, projectId, runId, [{ type: "run.cancelled", data: summaryData(summary) }]);
    await tx`select pg_notify(${CANCEL_CHANNEL}, ${String(runId)})`;
    return { run: summary, cancelled: live.length };
  });
}

/**
 * Queues the failed scene parts of a project again — the image where the image failed (its video
 * follows), else the video, and failed narration — into the active run when there is one, else
 * into a new run. `sentenceIds` limits the retry to those scenes: ids that are not sentences of
 * this project are an InvalidInputError, sentences with nothing failed a ConflictError. With
 * nothing failed at all: ConflictError.
 */
export async function retryFailed(
  sql: Sql,
  projectId: number,
  settings: RunSettings,
  sentenceIds?: number[],
): Promise<StartedRun> {
  return await sql.begin(async (tx) => {
    await lockOrThrow(tx, projectId);
    const rows = await tx<{ id: number; image_status: string; video_status: string; audio_status: string }[]>`
      select s.id,
        max(p.status) filter (where p.kind = 'image') as image_status,
        max(p.status) filter (where p.kind = 'video') as video_status,
        max(p.status) filter (where p.kind = 'audio') as audio_status
      from sentences s
      join sections sec on sec.id = s.section_id
      join scene_parts p on p.sentence_id = s.id
      where s.project_id = ${projectId}
        and (${sentenceIds ?? null}::int[] is null or s.id = any(${sentenceIds ?? null}::int[]))
      group by s.id, sec.position, s.position
      order by sec.position, s.position`;
    if (sentenceIds) {
      const found = new Set(rows.map((r) => r.id));
      const unknown = [...new Set(sentenceIds)].filter((id) => !found.has(id));
      if (unknown.length) {
        throw new InvalidInputError(
          "sentenceIds",
          `${sentenceList(unknown)} ${unknown.length === 1 ? "is" : "are"} not in this project.`,
        );
      }
    }
    const parts: QueuedPart[] = [];
    const notFailed: number[] = [];
    for (const r of rows) {
      const before = parts.length;
      if (r.image_status === "failed") parts.push({ part: "image", sentenceId: r.id, chain: true });
      else if (r.video_status === "failed") parts.push({ part: "video", sentenceId: r.id });
      if (r.audio_status === "failed") parts.push({ part: "audio", sentenceId: r.id });
      if (parts.length === before) notFailed.push(r.id);
    }
    if (sentenceIds && notFailed.length) {
      throw new ConflictError(
        `${sentenceList(notFailed)} ${
          notFailed.length === 1 ? "has" : "have"
        } no failed image, video or narration to retry.`,
      );
    }
    if (parts.length === 0) {
      throw new ConflictError("No scene of this project has failed: there is nothing to retry.");
    }
    const active = await activeRunId(tx, projectId);
    const run = active !== null ? { id: active } : await createRun(tx, projectId);
    return { run: await queueParts(tx, projectId, run, parts, settings), created: active === null };
  });
}

/** The active run of a project, else its latest run, else null. NotFoundError for an unknown project. */
export async function currentRun(sql: Sql, projectId: number): Promise<RunSummary | null> {
  const [project] = await sql`select 1 from projects where id = ${projectId}`;
  if (!project) throw new NotFoundError(`There is no project with id ${projectId}.`);
  const runId = await latestRunId(sql, projectId);
  return runId === null ? null : await runSummary(sql, runId);
}

/** A scene's image and video state, as {@link startRun} decides from. */
interface SceneStateRow {
  id: number;
  image_status: string | null;
  image_outdated: boolean;
  video_status: string | null;
  video_outdated: boolean;
}

/**
 * The image and video state of every scene of a project, in scene order: one row per scene, both
 * kinds folded together by one pass over scene_parts (grouped per scene, then put in order: one
 * section lookup per scene, not per part). `outdated` comes from the `part_states` view and only
 * when asked for (it compares every take with its scene; `missing` needs the statuses alone). Joining the view to itself once per kind let the planner, with
 * statistics not yet gathered on a freshly imported project, pick a nested loop over a sequential
 * scan of scene_parts: minutes for 20,000 scenes instead of milliseconds.
 */
async function sceneStates(tx: Tx, projectId: number, withOutdated: boolean): Promise<SceneStateRow[]> {
  const outdated = (kind: PartName) =>
    withOutdated ? tx`coalesce(bool_or(p.outdated) filter (where p.kind = ${kind}), false)` : tx`false`;
  const rows = await tx<SceneStateRow[]>`
    select x.id, x.image_status, x.image_outdated, x.video_status, x.video_outdated
    from (
      select s.id, s.section_id, s.position,
        max(p.status) filter (where p.kind = 'image') as image_status, ${outdated("image")} as image_outdated,
        max(p.status) filter (where p.kind = 'video') as video_status, ${outdated("video")} as video_outdated
      from sentences s
      join ${withOutdated ? tx`part_states` : tx`scene_parts`} p on p.sentence_id = s.id
      where s.project_id = ${projectId} and p.kind in ('image', 'video')
      group by s.id
    ) x
    join sections sec on sec.id = x.section_id
    order by sec.position, x.position`;
  // Every sentence has its parts (a trigger adds them); a scene missing one is left out, as an inner join would.
  return rows.filter((s) => s.image_status !== null && s.video_status !== null);
}

async function lockOrThrow(tx: Tx, projectId: number): Promise<void> {
  if (!(await lockProject(tx, projectId))) throw new NotFoundError(`There is no project with id ${projectId}.`);
}

async function activeRunId(tx: Tx | Sql, projectId: number): Promise<number | null> {
  const [run] = await tx<{ id: number }[]>`
    select id from scene_runs where project_id = ${projectId} and status = 'active'`;
  return run?.id ?? null;
}

/** The active run if any (there is at most one, and it is always the newest), else the newest. */
async function latestRunId(tx: Tx | Sql, projectId: number): Promise<number | null> {
  const [run] = await tx<{ id: number }[]>`
    select id from scene_runs where project_id = ${projectId}
    order by (status = 'active') desc, id desc limit 1`;
  return run?.id ?? null;
}

/** Scene parts of a run that are queued or running, in scene order. */
async function liveParts(tx: Tx, runId: number): Promise<{ part: PartName; sentenceId: number }[]> {
  return await tx<{ part: PartName; sentenceId: number }[]>`
    select p.kind as part, p.sentence_id as "sentenceId"
    from scene_parts p
    join sentences s on s.id = p.sentence_id join sections sec on sec.id = s.section_id
    where p.run_id = ${runId} and p.status in ('queued', 'running')
    order by sec.position, s.position, array_position(array['image', 'video', 'audio'], p.kind)`;
}

/** A new active run of the project, and when it started (the transaction's now()). */
async function createRun(tx: Tx, projectId: number): Promise<{ id: number; startedAt: Date }> {
  const [run] = await tx<{ id: number; started_at: Date }[]>`
    insert into scene_runs (project_id) values (${projectId}) returning id, started_at`;
  return { id: run.id, startedAt: run.started_at };
}

/**
 * Marks parts queued for `run`, enqueues their jobs, and writes the events (one per kind and
 * state). Videos are held while the run has images in flight when the run makes images first.
 * The part updates, the job batches and the run's count are sent without waiting for one another
 * (Postgres runs them in order; the count comes after the updates, so it sees them). A run just
 * created (`startedAt` given) owns exactly these parts: they are counted here, not read back.
 */
async function queueParts(
  tx: Tx,
  projectId: number,
  run: { id: number; startedAt?: Date },
  parts: QueuedPart[],
  settings: RunSettings,
): Promise<RunSummary> {
  const runId = run.id;
  const runHasImages = settings.imagesFirst === true && (parts.some((p) => p.part === "image") ||
    (await tx`select 1 from scene_parts where run_id = ${runId} and kind = 'image' and status in ('queued', 'running') limit 1`)
        .length > 0);
  const held = (p: QueuedPart) => runHasImages && p.part === "video";
  const base: PartChanges = { status: "queued", runId, error: null, attempts: 0, retryAt: null, madeBy: null };
  const updates = [
    startPartsUpdate(tx, parts.filter((p) => !held(p) && !p.chain), { ...base, phase: null, chain: false }),
    startPartsUpdate(tx, parts.filter((p) => p.chain), { ...base, phase: null, chain: true }),
    startPartsUpdate(tx, parts.filter(held), { ...base, phase: "held", chain: false }),
  ];
  const jobs: PartJob[] = parts.map((p) => ({
    part: p.part,
    sentenceId: p.sentenceId,
    runId,
    runAt: held(p) ? HELD_RUN_AT : undefined,
  }));
  const writes = [...updates.map((u) => u.done), enqueuePartJobs(tx, jobs, settings)];
  const started = run.startedAt !== undefined;
  return await afterPartChange(tx, runId, updates.flatMap((u) => u.events), writes, {
    started,
    startedWith: started
      ? { id: runId, projectId, startedAt: run.startedAt!, parts: parts.map((p) => ({ ...p, held: held(p) })) }
      : undefined,
  });
}

/**
 * Takes scenes out of the engine before they are deleted, inside the caller's transaction (which
 * holds the project lock): their queued jobs are removed and the workers running their parts are
 * told to stop (NOTIFY at commit). Returns the runs that owned their parts in flight: once the rows
 * are gone, call {@link afterPartChange} for each, so a run left with nothing in flight completes.
 */
export async function withdrawScenes(tx: Tx, sentenceIds: number[]): Promise<number[]> {
  const live = await tx<{ part: PartName; sentenceId: number; run_id: number }[]>`
    select kind as part, sentence_id as "sentenceId", run_id from scene_parts
    where sentence_id = any(${sentenceIds}::int[]) and status in ('queued', 'running')`;
  await removePartJobs(tx, live);
  for (const p of live) await tx`select pg_notify(${CANCEL_CHANNEL}, ${`part:${p.part}:${p.sentenceId}`})`;
  return [...new Set(live.map((p) => p.run_id))];
}

/** "Sentence 7", "Sentences 7, 8 and 9", or the first 20 of a longer list and how many more. */
export function sentenceList(ids: number[]): string {
  if (ids.length === 1) return `Sentence ${ids[0]}`;
  if (ids.length > 20) return `Sentences ${ids.slice(0, 20).join(", ")} and ${ids.length - 20} more`;
  return `Sentences ${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1]}`;
}
