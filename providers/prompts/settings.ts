/**
 * Prompt writer settings from the environment, validated with zod: which writer (PROMPT_PROVIDER)
 * and, for `openai`, the OpenAI-compatible chat server (PROMPT_API_URL, PROMPT_MODEL,
 * PROMPT_API_KEY) with how long one answer may take and how much of the script one call carries.
 * config.ts calls {@link loadPromptSettings} with the same environment map; a bad value throws one
 * sentence naming the variable, like every other setting.
 */
import { z } from "zod";
import { httpUrlSetting, parseEnvSettings } from "../env_settings.ts";

/** Every PROMPT_PROVIDER value; `rules` (offline) is the default. */
export const PROMPT_PROVIDER_NAMES = ["rules", "openai"] as const;

/** A PROMPT_PROVIDER value. */
export type PromptProviderName = (typeof PROMPT_PROVIDER_NAMES)[number];

/** The environment variables read here. */
export const PROMPT_SETTING_VARIABLES = [
  "PROMPT_PROVIDER",
  "PROMPT_API_URL",
  "PROMPT_MODEL",
  "PROMPT_API_KEY",
  "PROMPT_TIMEOUT_S",
  "PROMPT_BATCH_SIZE",
  "PROMPT_CONTEXT_CHARS",
] as const;

const httpUrl = httpUrlSetting("http://127.0.0.1:11434/v1");

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  PROMPT_PROVIDER: z.enum(PROMPT_PROVIDER_NAMES).default("rules"),
  PROMPT_API_URL: httpUrl.optional(),
  PROMPT_MODEL: z.string().min(1).max(200).optional(),
  PROMPT_API_KEY: z.string().min(1).optional(),
  PROMPT_TIMEOUT_S: intFrom(1, 3600).default(180),
  PROMPT_BATCH_SIZE: intFrom(1, 50).default(10),
  PROMPT_CONTEXT_CHARS: intFrom(0, 200_000).default(8000),
});

/** The chat server of the `openai` writer. */
export interface ChatServerSettings {
  /** Base URL, e.g. `http://127.0.0.1:11434/v1` (Ollama); the path is completed. */
  url: string;
  model: string;
  apiKey?: string;
  /** Upper bound for one answer. */
  timeoutMs: number;
  /** Scenes per request. */
  batchSize: number;
  /** Characters of the script sent around each batch (the whole script when it fits). */
  contextChars: number;
}

/** Validated prompt writer settings. */
export interface PromptSettings {
  provider: PromptProviderName;
  /** Set when provider is "openai". */
  chat?: ChatServerSettings;
}

/** Thrown for a bad prompt writer setting; config.ts rethrows it as its ConfigError. */
export class PromptSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromptSettingsError";
  }
}

/**
 * Parses the prompt writer settings from an environment map (empty strings count as unset).
 *
 * @example
 * loadPromptSettings({ PROMPT_PROVIDER: "openai", PROMPT_API_URL: "http://127.0.0.1:11434/v1", PROMPT_MODEL: "qwen2.5:7b" })
 */
export function loadPromptSettings(env: Record<string, string | undefined>): PromptSettings {
  const e = parseEnvSettings(env, PROMPT_SETTING_VARIABLES, schema, PromptSettingsError);
  if (e.PROMPT_PROVIDER === "rules") return { provider: "rules" };
  if (!e.PROMPT_API_URL) {
    throw new PromptSettingsError(
      "The environment variable PROMPT_API_URL is not set, but PROMPT_PROVIDER=openai needs it: set it to your chat server's base URL, e.g. http://127.0.0.1:11434/v1 for Ollama.",
    );
  }
  if (!e.PROMPT_MODEL) {
    throw new PromptSettingsError(
      "The environment variable PROMPT_MODEL is not set, but PROMPT_PROVIDER=openai needs it: set it to a model your chat server offers, e.g. qwen2.5:7b-instruct.",
    );
  }
  return {
    provider: "openai",
    chat: {
      url: e.PROMPT_API_URL,
      model: e.PROMPT_MODEL,
      apiKey: e.PROMPT_API_KEY,
      timeoutMs: e.PROMPT_TIMEOUT_S * 1000,
      batchSize: e.PROMPT_BATCH_SIZE,
      contextChars: e.PROMPT_CONTEXT_CHARS,
    },
  };
}
