/**
 * The `openai` prompt writer: any OpenAI-compatible chat server (OpenAI, Ollama, llama.cpp server,
 * vLLM, LM Studio) writes each scene's image and video prompt in the context of the whole script.
 *
 * - One request per batch (PROMPT_BATCH_SIZE scenes): the task and answer shape, the title and
 *   frame, the running notes (characters, setting, style) and the script around the batch
 *   (PROMPT_CONTEXT_CHARS; ./script_excerpt.ts); the answer returns the notes updated, so the next
 *   batch describes the same people the same way.
 * - JSON mode is asked for; a server that refuses it is asked again without, and from then on
 *   never with it. Answers are read robustly (./answer.ts). An answer that cannot be used is sent
 *   back once with what was wrong; an answer cut off at the server's output limit is not retried
 *   whole: the batch is split in two instead.
 * - The creator's own image prompt is given to the model to animate, and kept as is.
 */
import { batchMessages, type BatchScene, type ChatMessage, correctionMessages } from "./chat_messages.ts";
import { CHAT_NAMES, type ChatAnswer, chatCompletion, refusedJsonMode } from "./chat_client.ts";
import { parseAnswer, type ParsedAnswer, type ScenePrompts } from "./answer.ts";
import { scriptExcerpt } from "./script_excerpt.ts";
import type { ChatServerSettings } from "./settings.ts";
import { type PromptWriter, ProviderError, type ScriptContext, type ScriptSentence } from "./types.ts";
import { endpointUrl } from "../audio/openai_http.ts";

/** A scene of a batch with its id (the model sees its number). */
interface Scene extends BatchScene {
  sentenceId: number;
}

/** Creates the `openai` writer for one chat server. */
export function createOpenAiPromptWriter(settings: ChatServerSettings): PromptWriter {
  const host = new URL(endpointUrl(settings.url, "chat/completions")).host;
  let jsonMode = true;

  const ask = async (messages: ChatMessage[], signal: AbortSignal): Promise<ChatAnswer> => {
    try {
      return await chatCompletion(settings, { messages, jsonMode, signal });
    } catch (error) {
      if (!jsonMode || !refusedJsonMode(error)) throw error;
      jsonMode = false;
      return await chatCompletion(settings, { messages, jsonMode, signal });
    }
  };

  /** Prompts for `scenes` by number, and the notes after them. */
  const write = async (
    script: ScriptContext,
    scenes: Scene[],
    notes: string,
    signal: AbortSignal,
  ): Promise<{ scenes: Map<number, ScenePrompts>; notes: string }> => {
    const numbers = scenes.map((s) => s.number);
    const messages = batchMessages({
      title: script.title,
      aspectRatio: script.aspectRatio,
      sceneCount: script.sections.reduce((n, s) => n + s.sentences.length, 0),
      sectionCount: script.sections.length,
      notes,
      excerpt: scriptExcerpt(script, scenes.map((s) => s.sentenceId), settings.contextChars),
      scenes: scenes.map(({ number, text, fixedImagePrompt }) => ({ number, text, fixedImagePrompt })),
    });
    const answer = await ask(messages, signal);
    let parsed: ParsedAnswer = parseAnswer(answer.content, numbers);
    if (parsed.ok) return parsed;
    if (answer.finishReason === "length" && scenes.length > 1) {
      // Cut off at the server's output limit: two smaller requests fit where one did not.
      const half = Math.ceil(scenes.length / 2);
      const first = await write(script, scenes.slice(0, half), notes, signal);
      const second = await write(script, scenes.slice(half), first.notes, signal);
      return { scenes: new Map([...first.scenes, ...second.scenes]), notes: second.notes };
    }
    const again = await ask([...messages, ...correctionMessages(answer.content, parsed.reason, numbers)], signal);
    parsed = parseAnswer(again.content, numbers);
    if (parsed.ok) return parsed;
    throw unusableAnswer(settings.model, host, parsed.reason, again.finishReason);
  };

  return {
    name: "openai",
    batchSize: settings.batchSize,
    async writeBatch({ script, scenes, notes, signal }) {
      signal.throwIfAborted();
      const sentences = new Map<number, ScriptSentence>(
        script.sections.flatMap((s) => s.sentences).map((s) => [s.id, s]),
      );
      const batch: Scene[] = scenes.map(({ sentenceId, fixedImagePrompt }) => {
        const sentence = sentences.get(sentenceId);
        if (!sentence) throw new Error(`Sentence ${sentenceId} is not part of the script given to the prompt writer.`);
        return { sentenceId, number: sentence.number, text: sentence.text, fixedImagePrompt };
      });
      if (batch.length === 0) return { prompts: [], notes };
      const written = await write(script, batch, notes, signal);
      return {
        notes: written.notes || notes,
        prompts: batch.map((scene) => {
          const { image, video } = written.scenes.get(scene.number)!;
          return { sentenceId: scene.sentenceId, imagePrompt: scene.fixedImagePrompt ?? image, videoPrompt: video };
        }),
      };
    },
  };
}

/** The permanent error for a model that answered unusably twice. */
function unusableAnswer(model: string, host: string, reason: string, finishReason: string | null): ProviderError {
  if (finishReason === "length") {
    return new ProviderError(
      `The model ${model} on the ${CHAT_NAMES.service} at ${host} stopped at the server's output limit before its answer was complete, even for one scene. ` +
        "Raise the server's limit on generated tokens (max_tokens, num_predict or --n-predict).",
      { transient: false },
    );
  }
  return new ProviderError(
    `The model ${model} on the ${CHAT_NAMES.service} at ${host} twice gave an answer that could not be used (the second time: ${
      reason.replace(/\.$/, "")
    }). Try again, or set PROMPT_MODEL to a larger, instruction-tuned model.`,
    { transient: false },
  );
}
