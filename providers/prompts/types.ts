/**
 * The contract of a prompt writer: given the whole script (title, sections, sentences) and a batch
 * of its scenes, write each scene's image prompt (a still frame for a text-to-image model) and
 * video prompt (the motion that animates that still, for an image-to-video model such as Wan 2.2).
 * Writers know nothing about the database or jobs: the `write_prompts` job (core/prompts/) splits
 * the work into batches of {@link PromptWriter.batchSize}, carries the writer's running notes from
 * one batch to the next, and saves only the prompts the creator did not write.
 */
import type { ScriptContext } from "../../core/domain/script_context.ts";

export { ProviderError } from "../types.ts";
export type { ScriptContext, ScriptSentence } from "../../core/domain/script_context.ts";

/** A scene to write prompts for. */
export interface SceneToWrite {
  sentenceId: number;
  /**
   * The creator's own image prompt, when they wrote one: it is kept as is, and the video prompt is
   * written to animate it.
   */
  fixedImagePrompt?: string;
}

/** What one call of {@link PromptWriter.writeBatch} is given. */
export interface PromptBatchRequest {
  script: ScriptContext;
  /** The scenes to write, in script order (at most `batchSize`). */
  scenes: SceneToWrite[];
  /**
   * The writer's notes so far: recurring characters and how they look, the setting, the visual
   * style ("" before the first batch). Returned updated, so later batches stay consistent.
   */
  notes: string;
  /** Aborted when the creator cancels or the worker shuts down: stop and reject. */
  signal: AbortSignal;
}

/** Prompts written for one scene (each at most LIMITS.promptChars characters). */
export interface WrittenPrompts {
  sentenceId: number;
  imagePrompt: string;
  videoPrompt: string;
}

/** What one call of {@link PromptWriter.writeBatch} returns. */
export interface PromptBatchResult {
  /** One entry per scene asked for, in the same order. */
  prompts: WrittenPrompts[];
  /** The notes, updated with this batch. */
  notes: string;
}

/** A prompt writer: `rules` (offline, the sentence and a motion rule) or `openai` (any chat server). */
export interface PromptWriter {
  readonly name: string;
  /** How many scenes one call should be given. */
  readonly batchSize: number;
  /**
   * Writes the prompts of `request.scenes`. Fails with a {@link ProviderError} whose message a
   * creator can act on; `transient` ones (timeouts, a busy server) are worth another try.
   */
  writeBatch(request: PromptBatchRequest): Promise<PromptBatchResult>;
}
