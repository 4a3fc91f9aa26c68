/**
 * The `rules` prompt writer (the default; offline, instant): the image prompt is the sentence
 * itself, as on import, and the video prompt is the motion rule of core/domain/video_prompt.ts,
 * which reads the image prompt (the creator's own when they wrote one) and the sentence. It reads
 * no context and keeps no notes.
 */
import { LIMITS } from "../../core/domain/limits.ts";
import { writeVideoPrompt } from "../../core/domain/video_prompt.ts";
import type { PromptWriter } from "./types.ts";

/** Creates the rules writer. */
export function createRulesPromptWriter(): PromptWriter {
  return {
    name: "rules",
    batchSize: 200,
    // deno-lint-ignore require-await
    async writeBatch({ script, scenes, notes, signal }) {
      signal.throwIfAborted();
      const texts = new Map(script.sections.flatMap((s) => s.sentences).map((s) => [s.id, s.text]));
      const prompts = scenes.map(({ sentenceId, fixedImagePrompt }) => {
        const sentence = texts.get(sentenceId) ?? "";
        const imagePrompt = fixedImagePrompt ?? sentence.slice(0, LIMITS.promptChars);
        return { sentenceId, imagePrompt, videoPrompt: writeVideoPrompt({ imagePrompt, sentence }) };
      });
      return { prompts, notes };
    },
  };
}
