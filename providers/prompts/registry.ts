/** Turns prompt writer settings into a writer: the one place that maps PROMPT_PROVIDER names to implementations. */
import { createOpenAiPromptWriter } from "./openai.ts";
import { createRulesPromptWriter } from "./rules.ts";
import type { PromptSettings } from "./settings.ts";
import type { PromptWriter } from "./types.ts";

/** Creates the writer the settings name. */
export function createPromptWriter(settings: PromptSettings): PromptWriter {
  switch (settings.provider) {
    case "rules":
      return createRulesPromptWriter();
    case "openai":
      if (!settings.chat) {
        throw new Error("PROMPT_PROVIDER=openai needs PROMPT_API_URL and PROMPT_MODEL: set them to your chat server.");
      }
      return createOpenAiPromptWriter(settings.chat);
  }
}
