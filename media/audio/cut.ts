/**
 * Cuts a section's narration into one file per sentence with ffmpeg, at the spans media/audio/align.ts
 * chose, re-basing each sentence's word timings to its own file. Each piece is written in the
 * narration format under a temporary name and renamed when complete.
 */
import type { SpeechResult, WordTiming } from "../../providers/audio/types.ts";
import type { SentenceSpan } from "./align.ts";
import { encodeNarration, NARRATION_MIME_TYPE } from "./narration_format.ts";

/**
 * Writes `spans[i]` of `sectionPath` to `outPaths[i]` and returns each piece with its measured
 * duration and its words shifted to start from the piece's start.
 *
 * @example
 * const pieces = await cutSection("/tmp/section.m4a", alignSentences(texts, words, total), ["/m/1.m4a", "/m/2.m4a"], { signal });
 */
export async function cutSection(
  sectionPath: string,
  spans: SentenceSpan[],
  outPaths: string[],
  options: { signal?: AbortSignal } = {},
): Promise<SpeechResult[]> {
  if (spans.length !== outPaths.length) {
    throw new Error(`cutSection needs one output path per span (${spans.length} spans, ${outPaths.length} paths).`);
  }
  const pieces: SpeechResult[] = [];
  for (const [i, span] of spans.entries()) {
    const durationMs = await encodeNarration(sectionPath, outPaths[i], {
      signal: options.signal,
      startMs: span.startMs,
      durationMs: Math.max(1, span.endMs - span.startMs),
      task: "cut the section narration into sentences",
    });
    pieces.push({
      path: outPaths[i],
      mimeType: NARRATION_MIME_TYPE,
      durationMs,
      words: rebaseWords(span.words, span.startMs, durationMs),
    });
  }
  return pieces;
}

/** Words shifted by `-offsetMs` and clamped to `[0, durationMs]` (pure). */
export function rebaseWords(words: WordTiming[], offsetMs: number, durationMs: number): WordTiming[] {
  const clamp = (ms: number) => Math.min(durationMs, Math.max(0, Math.round(ms - offsetMs)));
  return words.map((w) => ({ text: w.text, startMs: clamp(w.startMs), endMs: clamp(w.endMs) }));
}
