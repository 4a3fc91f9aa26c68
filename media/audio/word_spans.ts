/**
 * Word timings in the compact form pages and events carry (pure): for each written word of a
 * sentence, its character offsets and when it is heard — `[start, end, startMs, endMs, …]` — so a
 * card can highlight the word being spoken without knowing anything about alignment.
 */
import type { WordTiming } from "../../providers/audio/types.ts";
import type { WordSpans } from "../../core/types.ts";
import { timeTextTokens } from "./align.ts";

/**
 * The written words of `text` with when each is heard, from the narration's timed `words`
 * (whatever the voice or transcription called them). Empty without timings.
 *
 * @example
 * wordSpans("The lamp.", [{ text: "the", startMs: 100, endMs: 300 }, { text: "lamp", startMs: 300, endMs: 700 }])
 * // → [0, 3, 100, 300, 4, 8, 300, 700]
 */
export function wordSpans(text: string, words: WordTiming[]): WordSpans {
  if (words.length === 0) return [];
  return timeTextTokens(text, words).flatMap((t) => [t.start, t.end, Math.round(t.startMs), Math.round(t.endMs)]);
}
