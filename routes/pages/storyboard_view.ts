/**
 * The storyboard page's view model: the notices derived from the sentences and the run as the page
 * hands it to the browser. Pure functions of the project and run; no HTTP, no database.
 */
import type { ProjectView, RunSummary } from "../../core/types.ts";

/** Counts behind the storyboard's notices (from the data; nothing is assumed). */
export interface StoryboardNotices {
  /** Scenes without narration audio. */
  withoutAudio: number;
  /** Sentence ids of the scenes whose video prompt is empty (it is written when their video is generated). */
  emptyVideoPrompts: number[];
  /** Scenes whose image or video failed. */
  failedScenes: number;
  /** Scenes without a done image or video (what Generate All makes). */
  missingScenes: number;
  /** Scenes whose image or video is out of date (what "Regenerate changed" makes). */
  outdatedScenes: number;
  /** Whether any scene has a take to download (the project's zip is not empty). */
  hasMedia: boolean;
}

/** Counts what the storyboard's notices say, from the project's scenes. */
export function storyboardNotices(project: ProjectView): StoryboardNotices {
  let withoutAudio = 0;
  const emptyVideoPrompts: number[] = [];
  let failedScenes = 0;
  let missingScenes = 0;
  let outdatedScenes = 0;
  let hasMedia = false;
  for (const section of project.sections) {
    for (const s of section.sentences) {
      if (s.audio.status !== "done") withoutAudio++;
      if (!s.videoPrompt.trim()) emptyVideoPrompts.push(s.id);
      if (s.image.status === "failed" || s.video.status === "failed") failedScenes++;
      if (s.image.status !== "done" || s.video.status !== "done") missingScenes++;
      if (s.image.outdated || s.video.outdated) outdatedScenes++;
      hasMedia ||= s.image.take !== null || s.video.take !== null || s.audio.take !== null;
    }
  }
  return { withoutAudio, emptyVideoPrompts, failedScenes, missingScenes, outdatedScenes, hasMedia };
}

/**
 * Failed scenes handed to the page with its run (the toolbar's time-left estimate counts them by
 * part; the failure details list the cards' own states instead).
 */
export const PAGE_FAILED_LIMIT = 100;

/** A run as the page hands it to the browser: failures capped, sentence texts cut to an excerpt. */
export function runForPage(run: RunSummary | null): RunSummary | null {
  if (!run) return null;
  return {
    ...run,
    failed: run.failed.slice(0, PAGE_FAILED_LIMIT).map((f) => ({
      ...f,
      text: f.text.length > 120 ? `${f.text.slice(0, 119)}…` : f.text,
    })),
  };
}
