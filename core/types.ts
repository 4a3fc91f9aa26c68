/**
 * The JSON shapes the API returns and the pages and islands render. Types only: safe for islands
 * to import, since nothing here runs.
 */

/** Status of one part (image or video) of a scene. */
export type PartStatus = "idle" | "queued" | "running" | "done" | "failed" | "cancelled";
export type PartName = "image" | "video";
export type AspectRatio = "16:9" | "9:16";

/** The image or the video of one sentence. */
export interface ScenePart {
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
  image: ScenePart;
  video: ScenePart;
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
