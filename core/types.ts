/**
 * The JSON shapes the API returns and the pages and islands render. Types only: safe for islands
 * to import, since nothing here runs.
 */

/** Status of one part (image or video) of a scene. */
export type PartStatus = "idle" | "queued" | "running" | "done" | "failed" | "cancelled";
export type PartName = "image" | "video";
export type AspectRatio = "16:9" | "9:16";

/** The image or the video of one sentence. */
export interface PartView {
  status: PartStatus;
  /** URL of the media file under /media/, when there is one. */
  url: string | null;
  error: string | null;
  attempts: number;
  updatedAt: string;
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
  audio: { status: "none" | "ready"; url: string | null };
  image: PartView;
  video: PartView;
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
  sectionCount: number;
  sentenceCount: number;
  createdAt: string;
  updatedAt: string;
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
  videos: { done: number; total: number };
  failed: FailedScene[];
}

/** Event types of the live stream, in the `events` table and on SSE. */
export type EventType = "run.started" | "scene.updated" | "run.progress" | "run.completed" | "run.cancelled";

/** Data of a `scene.updated` event. */
export interface SceneUpdate {
  sentenceId: number;
  part: PartName;
  status: PartStatus;
  url: string | null;
  error: string | null;
  attempts: number;
  /** Present when the video prompt was just written automatically. */
  videoPrompt?: string;
  /** Present on progress reports of a running part: the provider's fraction done, 0..1. */
  progress?: number;
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
