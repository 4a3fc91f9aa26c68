/**
 * Which word of a sentence is being heard (pure, browser-safe): the card's narration player lights
 * it as the audio plays. The spans come from the server (media/audio/word_spans.ts).
 */
import type { WordSpans } from "../core/types.ts";

/**
 * The index (0-based, in words) of the word heard at `ms`, or -1 before the first and after the
 * last one; the word spoken last stays lit through the pause after it.
 *
 * @example
 * spokenWordAt([0, 3, 100, 300, 4, 8, 300, 700], 350) // 1
 */
export function spokenWordAt(spans: WordSpans, ms: number): number {
  let found = -1;
  for (let i = 0; i + 3 < spans.length; i += 4) {
    if (spans[i + 2] <= ms) found = i / 4;
    else break;
  }
  return found >= 0 && ms <= spans[found * 4 + 3] + 400 ? found : -1;
}
