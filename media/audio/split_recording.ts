/**
 * Splits a creator's recording of a whole section into one narration file per sentence: at the
 * sentence ends a transcription server hears (when STT_API_URL is set), else at the pauses that best
 * match the text (./pauses.ts). The recording must already be accepted (./upload.ts).
 */
import { runFfmpeg } from "../../providers/ffmpeg.ts";
import type { Transcriber } from "../../providers/audio/transcribe.ts";
import type { SpeechResult } from "../../providers/audio/types.ts";
import { alignSentences, type SentenceSpan } from "./align.ts";
import { cutSection } from "./cut.ts";
import { cutsFromPauses, parseSilences } from "./pauses.ts";

/** Quieter than this (dBFS) for at least {@link PAUSE_MIN_MS} counts as a pause between sentences. */
export const PAUSE_NOISE_DB = -35;
/** Shortest pause that may separate sentences. */
export const PAUSE_MIN_MS = 250;

/** Options of {@link splitSectionRecording}. */
export interface SplitRecordingOptions {
  /** The accepted recording (narration format) and its length. */
  recordingPath: string;
  durationMs: number;
  /** The section's sentences in order, each with the path its piece goes to. */
  sentences: { text: string; outPath: string }[];
  transcriber?: Transcriber;
  signal?: AbortSignal;
}

/**
 * Cuts the recording into the sentences' files; returns how the cuts were found and each piece.
 *
 * @example
 * const accepted = await acceptRecording(file.stream(), tmpPath);
 * const { sentences } = await splitSectionRecording({ recordingPath: tmpPath, durationMs: accepted.durationMs,
 *   sentences: section.sentences.map((s) => ({ text: s.text, outPath: pathFor(s) })), transcriber, signal });
 */
export async function splitSectionRecording(
  options: SplitRecordingOptions,
): Promise<{ method: "transcription" | "pauses"; sentences: SpeechResult[] }> {
  const { recordingPath, durationMs, sentences, transcriber, signal } = options;
  const texts = sentences.map((s) => s.text);
  let spans: SentenceSpan[];
  let method: "transcription" | "pauses";
  if (transcriber) {
    const { words } = await transcriber.transcribe(recordingPath, {
      signal: signal ?? new AbortController().signal,
      prompt: texts.join(" "),
    });
    spans = alignSentences(texts, words, durationMs);
    method = "transcription";
  } else {
    const { stderr } = await runFfmpeg([
      "-loglevel",
      "info",
      "-i",
      `file:${recordingPath}`,
      "-map",
      "0:a:0",
      "-af",
      `silencedetect=noise=${PAUSE_NOISE_DB}dB:d=${PAUSE_MIN_MS / 1000}`,
      "-f",
      "null",
      "-",
    ], { signal, task: "find the pauses in the recording" });
    const cuts = [0, ...cutsFromPauses(texts, parseSilences(stderr, durationMs), durationMs), durationMs];
    spans = texts.map((_, i) => ({ startMs: cuts[i], endMs: cuts[i + 1], words: [] }));
    method = "pauses";
  }
  return { method, sentences: await cutSection(recordingPath, spans, sentences.map((s) => s.outPath), { signal }) };
}
