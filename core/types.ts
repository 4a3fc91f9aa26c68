/**
 * The JSON shapes the API returns and the pages and islands render. Types only: safe for islands
 * to import, since nothing here runs.
 */

/** Status of one part (image, video or narration audio) of a scene. */
export type PartStatus = "idle" | "queued" | "running" | "done" | "failed" | "cancelled";
/** The kinds of part a scene has. */
export type PartName = "image" | "video" | "audio";
/**
 * What a queued or running part is waiting for: `held` (the run's images go first), `waiting`
 * (behind other work on the GPU server), `retrying` (an attempt failed; `retryAt` says when).
 */
export type PartPhase = "held" | "waiting" | "retrying";
export type AspectRatio = "16:9" | "9:16";

/** One generated (or uploaded) file of a part, with what it was made from. */
export interface TakeView {
  id: number;
  /** URL of the media file under /media/. */
  url: string;
  /** A small JPEG preview under /media/ (images and videos), when one was made. */
  thumbUrl: string | null;
  /** The prompt (or, for narration, the text) it was made from. */
  prompt: string;
  /** The generation seed; null for uploads. */
  seed: number | null;
  durationMs: number | null;
  createdAt: string;
}

/** The state of one part of a scene, as the API, the pages and the live events show it. */
export interface PartView {
  status: PartStatus;
  /** URL of the current take's media under /media/, when there is one. */
  url: string | null;
  /** Its small preview, when there is one. */
  thumbUrl: string | null;
  error: string | null;
  attempts: number;
  updatedAt: string;
  /** Only while queued or running; see {@link PartPhase}. */
  phase: PartPhase | null;
  /** When an automatic retry is due (phase `retrying`). */
  retryAt: string | null;
  /** Length of the current take in ms (for narration: how long its scene lasts in the export), or null. */
  durationMs: number | null;
  /** The current take (the one shown), or null. */
  take: TakeView | null;
  /** Takes kept for this part (the creator may pick an earlier one). */
  takes: number;
  /**
   * The current take was made from something that has changed since: the prompt (or narration
   * text), the project's aspect ratio or clip length, or, for a video, the image.
   */
  outdated: boolean;
}

export interface SentenceView {
  id: number;
  projectId: number;
  sectionId: number;
  /** 1-based position in the whole project (the scene number a creator sees). */
  number: number;
  text: string;
  imagePrompt: string;
  videoPrompt: string;
  image: PartView;
  video: PartView;
  audio: PartView;
}

export interface SectionView {
  id: number;
  position: number;
  title: string | null;
  sentences: SentenceView[];
}

export interface ProjectSummary {
  id: number;
  title: string;
  aspectRatio: AspectRatio;
  /** Length of each clip when the scene has no narration, in seconds. */
  clipSeconds: number;
  sectionCount: number;
  sentenceCount: number;
  createdAt: string;
  updatedAt: string;
}

/** The last run of a project as its list entry shows it (the counts scene_runs keeps). */
export interface LastRun {
  id: number;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  totalScenes: number;
  finishedScenes: number;
  failedScenes: number;
  cancelledScenes: number;
}

/** A project in the project list (GET /projects, the home page): its summary and how far it is. */
export interface ProjectListEntry extends ProjectSummary {
  /** A small picture of the project: the first scene's image (its thumbnail when there is one). */
  thumbUrl: string | null;
  /** Scenes whose image and clip are both done. */
  scenesDone: number;
  /** Scenes with a failed image, clip or narration. */
  scenesFailed: number;
  /** The active run, else the latest one; null before the first. */
  lastRun: LastRun | null;
}

export interface ProjectView extends ProjectSummary {
  sections: SectionView[];
}

export type RunStatus = "active" | "completed" | "cancelled";

/** A failed scene part of a run, as the error summary lists it. */
export interface FailedScene {
  sentenceId: number;
  /** 1-based scene number in the project. */
  number: number;
  text: string;
  part: PartName;
  error: string;
}

/** A bulk generation run with its counts (GET .../scene-run, and the run.* events). */
export interface RunSummary {
  id: number;
  projectId: number;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  cancelledAt: string | null;
  /** Scenes (sentences) this run touches. */
  totalScenes: number;
  /** Scenes with nothing left queued or running for this run (done, failed or cancelled). */
  finishedScenes: number;
  failedScenes: number;
  cancelledScenes: number;
  images: { done: number; total: number };
  /** Every scene whose image or video the run makes ends with a video when all goes well. */
  videos: { done: number; total: number };
  audio: { done: number; total: number };
  failed: FailedScene[];
}

/**
 * How long one job of each kind typically takes on the configured providers, from earlier takes
 * (ms; null before the provider made one): where the time-left estimate starts.
 */
export interface TypicalJobMs {
  image: number | null;
  video: number | null;
}

/** Event types of the live stream, in the `events` table and on SSE. */
export type EventType =
  | "run.started"
  | "scene.updated"
  | "scenes.updated"
  | "run.progress"
  | "run.completed"
  | "run.cancelled"
  | "sentence.updated"
  | "project.updated"
  | "export.updated"
  | "prompts.updated";

/** Data of a `scene.updated` event: the whole new state of one part. */
export interface SceneUpdate extends PartView {
  sentenceId: number;
  part: PartName;
  /** Present when the video prompt was just written automatically. */
  videoPrompt?: string;
  /** Present on progress reports of a running part: the provider's fraction done, 0..1. */
  progress?: number;
  /** Narration just made: when each written word is heard (see {@link WordSpans}). */
  words?: WordSpans;
}

/**
 * When each written word of a sentence is heard in its narration, flat and compact for pages and
 * events: `[start, end, startMs, endMs]` per word, `start`/`end` being character offsets in the
 * sentence text.
 */
export type WordSpans = number[];

/** Status of an export. */
export type ExportStatus = "queued" | "running" | "done" | "failed" | "cancelled";

/** An export of a project to one MP4 (GET /api/v1/exports/:id, and `export.updated` events). */
export interface ExportView {
  id: number;
  projectId: number;
  status: ExportStatus;
  /** Fraction rendered, 0..1. */
  progress: number;
  options: { captions: { burnIn: boolean }; placeholders: boolean };
  /** Downloads under /media/, once done. */
  files: { mp4: string; srt: string | null; vtt: string | null } | null;
  error: string | null;
  sceneCount: number | null;
  durationMs: number | null;
  /** How long the render took. */
  elapsedMs: number | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * Data of a `scenes.updated` event: the same change to one part of many scenes at once (a run
 * queued or cancelled them), so a 20,000-scene run writes one event, not 20,000. Each listed part
 * takes `status` and `phase`, and `error` and `attempts` when present; it keeps its take.
 */
export interface ScenesUpdate {
  part: PartName;
  sentenceIds: number[];
  status: PartStatus;
  phase: PartPhase | null;
  error?: string | null;
  attempts?: number;
}

/** Status of a prompt writer job ("Write prompts"). */
export type PromptJobStatus = "active" | "completed" | "failed" | "cancelled";

/** What a prompt job writes: the whole project, one section, or the listed scenes. */
export type PromptJobScope = "project" | "section" | "scenes";

/** A prompt writer job (GET /api/v1/prompt-jobs/:id). */
export interface PromptJobView {
  id: number;
  projectId: number;
  status: PromptJobStatus;
  scope: PromptJobScope;
  /** The section, when the scope is one. */
  sectionId: number | null;
  /** Scenes the job writes (those with a prompt the creator did not write, when it started). */
  total: number;
  /** Scenes done so far (a scene whose prompts the creator wrote meanwhile counts as done: nothing to write). */
  written: number;
  /** Why the job failed, as a sentence the creator can act on. */
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** Data of a `prompts.updated` event: a prompt job started, progressed or ended. */
export interface PromptsUpdate {
  jobId: number;
  status: PromptJobStatus;
  scope: PromptJobScope;
  sectionId: number | null;
  total: number;
  written: number;
  error?: string;
}

/** One event as stored and as sent on the SSE stream (`id:`, `event:` = type, `data:` = this). */
export interface StudioEvent {
  id: number;
  projectId: number;
  runId: number | null;
  type: EventType;
  data: Record<string, unknown>;
  createdAt: string;
}
