/**
 * Turns narration settings into a provider and, when configured, a transcription client. The one
 * place that maps AUDIO_PROVIDER names to implementations.
 */
import { createFliteProvider } from "./flite.ts";
import { createOpenAiSpeechProvider } from "./openai.ts";
import type { AudioSettings } from "./settings.ts";
import { createSimulatedAudioProvider } from "./simulated.ts";
import { createTranscriber, type Transcriber } from "./transcribe.ts";
import type { AudioProvider } from "./types.ts";

/** Every AUDIO_PROVIDER value; `flite` (offline) is the default. */
export const AUDIO_PROVIDER_NAMES = ["flite", "openai", "simulated"] as const;

/** An AUDIO_PROVIDER value. */
export type AudioProviderName = (typeof AUDIO_PROVIDER_NAMES)[number];

/** Creates the narration provider the settings name. */
export function createAudioProvider(settings: AudioSettings): AudioProvider {
  switch (settings.provider) {
    case "flite":
      return createFliteProvider();
    case "simulated":
      return createSimulatedAudioProvider({ delayMs: settings.simulatedAudioMs });
    case "openai":
      if (!settings.tts) {
        throw new Error("AUDIO_PROVIDER=openai needs TTS_API_URL: set it to your speech server's base URL.");
      }
      return createOpenAiSpeechProvider(settings.tts);
  }
}

/** The transcription client when STT_API_URL is set, else undefined (sentences are then read one by one). */
export function createTranscriberFromSettings(settings: AudioSettings): Transcriber | undefined {
  return settings.stt ? createTranscriber(settings.stt) : undefined;
}
