/**
 * Island: the video prompt of a card whose prompt was empty at render. Shows that it will be written
 * automatically, then the prompt the engine wrote, as soon as the stream reports it.
 */
import { useStoryboard } from "../client/hooks.ts";

export default function VideoPromptNote({ id }: { id: number }) {
  const written = useStoryboard().scenes.scene(id).videoPrompt.value;
  if (written) return <span class="video-prompt-written">{written}</span>;
  return <em>empty — written automatically when the video is generated</em>;
}
