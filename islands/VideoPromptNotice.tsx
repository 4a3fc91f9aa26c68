/**
 * Island: the notice that some video prompts are empty and will be written automatically. Counts
 * down live as the engine writes them (scene.updated events carry the new prompt), and disappears
 * when none is left.
 */
import { count } from "../components/count.ts";
import { useStoryboard } from "../client/hooks.ts";

export interface VideoPromptNoticeProps {
  /** Sentences whose video prompt was empty at render (default: those of the page's scene index). */
  ids?: number[];
}

/** A notice: not needed before the page is interactive. */
export const hydration = "idle";

export default function VideoPromptNotice({ ids }: VideoPromptNoticeProps) {
  const { scenes } = useStoryboard();
  const empty = scenes.emptyVideoPrompts(ids);
  if (empty === 0) return null;
  return (
    <p class="notice notice-info" data-notice="video-prompts">
      {count(empty, "scene has", "scenes have")}{" "}
      no video prompt yet: it will be written automatically from the image prompt and the narration when the video is
      generated. Open “Edit scene” on a card to write your own.
    </p>
  );
}
