/**
 * The contract every narration (text-to-speech) backend implements: `flite` (offline, the default),
 * `openai` (any OpenAI-compatible `/v1/audio/speech` server) and `simulated` (tests, benchmarks).
 *
 * Like the image/video providers (../types.ts) they know nothing about projects or runs: they turn
 * text into an audio file at `outPath`, honour `signal`, and fail with a {@link ProviderError}
 * (transient or permanent, with a sentence the creator can act on).
 */
export { ProviderError } from "../types.ts";

/** One spoken word and when it is heard, in ms from the start of the file. */
export interface WordTiming {
  /** The word as the backend reports it ("forty", "Dr.", "lamp,"); align it to the text with media/audio/align.ts. */
  text: string;
  startMs: number;
  endMs: number;
}

/** MIME types of the narration files providers write. */
export type AudioMimeType = "audio/mp4" | "audio/wav";

/** What to say, for one sentence. */
export interface SpeechRequest {
  text: string;
  /** A backend voice name (TTS_VOICE by default); providers ignore voices they do not know. */
  voice?: string;
  /** Absolute path the provider must write the audio to (the directory exists). */
  outPath: string;
  /** Aborted when the run is cancelled or the worker shuts down: stop work and reject. */
  signal: AbortSignal;
  /** 1 for the first try of this scene part, 2 for the first retry, … */
  attempt: number;
  /** Optional progress callback, fraction 0..1. */
  onProgress?: (fraction: number) => void;
}

/** A narration file a provider wrote. */
export interface SpeechResult {
  path: string;
  mimeType: AudioMimeType;
  /** Length of the audio as decoded, in ms. */
  durationMs: number;
  /** Word timings when the backend knows them (the offline voice and the simulated one do). */
  words?: WordTiming[];
}

/** What to say, for a whole section: several sentences read as one passage (the best flow). */
export interface SectionSpeechRequest extends Omit<SpeechRequest, "text"> {
  /** The section's sentences, in order. */
  sentences: string[];
}

/** One file for the whole section. */
export interface SectionSpeechResult extends SpeechResult {
  /**
   * Where each sentence starts and ends in the file, in the order asked for, when the backend gave
   * sentence timestamps itself. Without them (and without `words`) the section cannot be cut and
   * the caller synthesises sentence by sentence instead (see media/audio/narrate_section.ts).
   */
  sentences?: { startMs: number; endMs: number }[];
}

/** A narration backend. `synthesizeSection` exists only where a whole passage reads better. */
export interface AudioProvider {
  readonly name: string;
  /**
   * True when `synthesizeSection` reports word or sentence timings itself, so its file can be cut
   * into sentences without a transcription server.
   */
  readonly sectionTimings?: boolean;
  synthesize(request: SpeechRequest): Promise<SpeechResult>;
  synthesizeSection?(request: SectionSpeechRequest): Promise<SectionSpeechResult>;
}
