/**
 * The `simulated` narration provider, for tests, benchmarks and demos. It waits a configurable time
 * and writes a small valid WAV (8 kHz, 16-bit mono) whose length follows the text at 150 words a
 * minute (./speech_estimate.ts): a soft tone while each word "sounds", silence between, with the
 * matching word timings. No ffmpeg runs, so zero-delay benchmarks measure the engine alone.
 *
 * The same markers as the image/video `simulated` provider, found case-insensitively in the text:
 * `[fail]` fails permanently, `[flaky]` fails the first attempt transiently, `[slow]` takes ten
 * times as long. A section request reads as one file with sentence boundaries, so section code
 * paths can be tested too.
 */
import { encodeWav } from "../../media/audio/wav.ts";
import { checkMs, simulateWork, writeAtomically } from "../simulated.ts";
import { estimateSpeech } from "./speech_estimate.ts";
import type {
  AudioProvider,
  SectionSpeechRequest,
  SectionSpeechResult,
  SpeechRequest,
  SpeechResult,
  WordTiming,
} from "./types.ts";

/** Options of {@link createSimulatedAudioProvider}. */
export interface SimulatedAudioOptions {
  /** How long one request takes, in ms (0 = immediately). Default 0. */
  delayMs?: number;
}

/** Sample rate of simulated narration: tiny files, still decodable everywhere. */
export const SIMULATED_SAMPLE_RATE = 8_000;

/** Creates the simulated narration provider; see the module documentation for the markers. */
export function createSimulatedAudioProvider(options: SimulatedAudioOptions = {}): AudioProvider {
  const delayMs = checkMs(options.delayMs ?? 0, "delayMs");
  return {
    name: "simulated",
    sectionTimings: true,
    async synthesize(request: SpeechRequest): Promise<SpeechResult> {
      await simulateWork({ ...request, prompt: request.text }, delayMs, "sentence");
      const { durationMs, words } = estimateSpeech(request.text);
      await writeAtomically(request.outPath, toneTrack(durationMs, words));
      request.onProgress?.(1);
      return { path: request.outPath, mimeType: "audio/wav", durationMs, words };
    },
    async synthesizeSection(request: SectionSpeechRequest): Promise<SectionSpeechResult> {
      await simulateWork({ ...request, prompt: request.sentences.join(" ") }, delayMs, "sentence");
      const words: WordTiming[] = [];
      const sentences: { startMs: number; endMs: number }[] = [];
      let offset = 0;
      for (const text of request.sentences) {
        const estimate = estimateSpeech(text);
        words.push(...estimate.words.map((w) => ({ ...w, startMs: w.startMs + offset, endMs: w.endMs + offset })));
        sentences.push({ startMs: offset, endMs: offset + estimate.durationMs });
        offset += estimate.durationMs;
      }
      await writeAtomically(request.outPath, toneTrack(offset, words));
      request.onProgress?.(1);
      return { path: request.outPath, mimeType: "audio/wav", durationMs: offset, words, sentences };
    },
  };
}

/** A quiet 220 Hz tone under each word (with 10 ms fades), silence elsewhere. */
function toneTrack(durationMs: number, words: WordTiming[]): Uint8Array {
  const rate = SIMULATED_SAMPLE_RATE;
  const samples = new Float32Array(Math.round((durationMs / 1000) * rate));
  const fade = Math.round(0.01 * rate);
  for (const word of words) {
    const start = Math.round((word.startMs / 1000) * rate);
    const end = Math.min(samples.length, Math.round((word.endMs / 1000) * rate));
    for (let i = start; i < end; i++) {
      const envelope = Math.min(1, (i - start) / fade, (end - i) / fade);
      samples[i] = 0.2 * envelope * Math.sin((2 * Math.PI * 220 * i) / rate);
    }
  }
  return encodeWav(samples, rate);
}
