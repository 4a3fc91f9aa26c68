/**
 * How long a sentence takes to say, estimated from its words at a calm narration pace (150 words a
 * minute), with a timing for each word. Pure. The simulated provider speaks to this clock; the
 * engine may use it to size a clip before its narration exists.
 */
import type { WordTiming } from "./types.ts";

/** Narration pace of the estimate: 150 words a minute, 400 ms a word. */
export const WORDS_PER_MINUTE = 150;
/** Silence before the first word and after the last, in ms. */
export const EDGE_SILENCE_MS = 200;

/** The estimated length of `text` read aloud, and where each word falls. */
export interface SpeechEstimate {
  durationMs: number;
  words: WordTiming[];
}

/**
 * Estimates the narration of `text`: 200 ms of silence, then 400 ms per word (the word sounds for
 * the first 85 % of it), then 200 ms of silence. Words are the whitespace-separated tokens that hold
 * a letter or digit, punctuation kept ("lamp,").
 *
 * @example
 * estimateSpeech("The lamp was lit.").durationMs // 2000 (4 words)
 */
export function estimateSpeech(text: string): SpeechEstimate {
  const slotMs = 60_000 / WORDS_PER_MINUTE;
  const tokens = text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t));
  const words = tokens.map((token, i) => {
    const startMs = EDGE_SILENCE_MS + i * slotMs;
    return { text: token, startMs, endMs: Math.round(startMs + slotMs * 0.85) };
  });
  return { durationMs: EDGE_SILENCE_MS * 2 + tokens.length * slotMs, words };
}
