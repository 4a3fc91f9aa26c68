/**
 * Narration settings from the environment, validated with zod: which provider reads the script
 * (AUDIO_PROVIDER), the OpenAI-compatible speech server (TTS_*), the optional transcription server
 * that gives word timestamps (STT_*), and the simulated provider's delay. config.ts calls
 * {@link loadAudioSettings} with the same environment map; a bad value throws one sentence naming
 * the variable, like every other setting.
 */
import { z } from "zod";
import { httpUrlSetting, parseEnvSettings } from "../env_settings.ts";
import { AUDIO_PROVIDER_NAMES } from "./registry.ts";

/** The environment variables read here (for config.ts to pass through). */
export const AUDIO_SETTING_VARIABLES = [
  "AUDIO_PROVIDER",
  "TTS_API_URL",
  "TTS_MODEL",
  "TTS_VOICE",
  "TTS_API_KEY",
  "STT_API_URL",
  "STT_MODEL",
  "STT_API_KEY",
  "SIMULATED_AUDIO_MS",
] as const;

const httpUrl = httpUrlSetting("http://127.0.0.1:8880/v1");

const schema = z.object({
  AUDIO_PROVIDER: z.enum(AUDIO_PROVIDER_NAMES).default("flite"),
  TTS_API_URL: httpUrl.optional(),
  TTS_MODEL: z.string().min(1).max(200).default("tts-1"),
  TTS_VOICE: z.string().min(1).max(200).default("alloy"),
  TTS_API_KEY: z.string().min(1).optional(),
  STT_API_URL: httpUrl.optional(),
  STT_MODEL: z.string().min(1).max(200).default("whisper-1"),
  STT_API_KEY: z.string().min(1).optional(),
  SIMULATED_AUDIO_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
});

/** Validated narration settings. */
export interface AudioSettings {
  provider: (typeof AUDIO_PROVIDER_NAMES)[number];
  /** The speech server (set when provider is "openai"). */
  tts?: { url: string; model: string; voice: string; apiKey?: string };
  /** The transcription server, when one is configured: sections are then read whole and cut. */
  stt?: { url: string; model: string; apiKey?: string };
  simulatedAudioMs: number;
}

/** Thrown for a bad narration setting; config.ts may rethrow it as its ConfigError. */
export class AudioSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AudioSettingsError";
  }
}

/**
 * Parses the narration settings from an environment map (empty strings count as unset).
 *
 * @example
 * loadAudioSettings({ AUDIO_PROVIDER: "openai", TTS_API_URL: "http://127.0.0.1:8880/v1", TTS_VOICE: "af_heart" })
 */
export function loadAudioSettings(env: Record<string, string | undefined>): AudioSettings {
  const e = parseEnvSettings(env, AUDIO_SETTING_VARIABLES, schema, AudioSettingsError);
  if (e.AUDIO_PROVIDER === "openai" && !e.TTS_API_URL) {
    throw new AudioSettingsError(
      "The environment variable TTS_API_URL is not set, but AUDIO_PROVIDER=openai needs it: set it to your speech server's base URL, e.g. http://127.0.0.1:8880/v1.",
    );
  }
  return {
    provider: e.AUDIO_PROVIDER,
    tts: e.TTS_API_URL
      ? { url: e.TTS_API_URL, model: e.TTS_MODEL, voice: e.TTS_VOICE, apiKey: e.TTS_API_KEY }
      : undefined,
    stt: e.STT_API_URL ? { url: e.STT_API_URL, model: e.STT_MODEL, apiKey: e.STT_API_KEY } : undefined,
    simulatedAudioMs: e.SIMULATED_AUDIO_MS,
  };
}
