/**
 * Lines a script up with timed words from a voice or a transcription (pure), to cut a section's
 * narration at sentence boundaries and to highlight a sentence word by word as it plays.
 *
 * Both sides become spoken words (./spoken_words.ts) and are aligned with an edit-distance
 * alignment: equal words match, similar ones ("colour"/"color", "third"/"three") match at a small
 * cost, and missing or extra words are skipped, so a transcription that drops a word, adds an
 * "um" or writes "42" for "forty-two" still lines up. Text words left unmatched get times between
 * their matched neighbours.
 */
import type { WordTiming } from "../../providers/audio/types.ts";
import { spokenWords, type TextToken, tokenizeText } from "./spoken_words.ts";

/** A sentence's place in the section's audio, with the timed words heard in it (section times). */
export interface SentenceSpan {
  startMs: number;
  endMs: number;
  words: WordTiming[];
}

/** A word of the written sentence with when it is heard (for highlighting). */
export interface TimedToken extends TextToken {
  startMs: number;
  endMs: number;
}

/**
 * Where to cut a section's audio so each sentence gets its own file: the spans are contiguous,
 * start at 0 and end at `totalMs`, and each cut lies in the middle of the pause between the last
 * word of one sentence and the first word of the next. Timed words go to the sentence whose span
 * holds their middle. A sentence none of whose words were heard gets a share of the time between
 * its neighbours in proportion to its length.
 *
 * @example
 * alignSentences(["The lamp was lit.", "Night fell."], words, 4200)
 * // → [{startMs: 0, endMs: 2150, words: […]}, {startMs: 2150, endMs: 4200, words: […]}]
 */
export function alignSentences(sentences: string[], words: WordTiming[], totalMs: number): SentenceSpan[] {
  if (sentences.length === 0) return [];
  const textWords: { sentence: number; word: string }[] = [];
  sentences.forEach((sentence, index) => {
    for (const token of tokenizeText(sentence)) {
      for (const word of spokenWords(token.text)) textWords.push({ sentence: index, word });
    }
  });
  const heard = expandTimedWords(words);
  const match = alignSequences(textWords.map((w) => w.word), heard.map((w) => w.word));
  // First and last heard time of each sentence.
  const first: (number | undefined)[] = sentences.map(() => undefined);
  const last: (number | undefined)[] = sentences.map(() => undefined);
  match.forEach((h, t) => {
    if (h === undefined) return;
    const s = textWords[t].sentence;
    first[s] = Math.min(first[s] ?? Infinity, heard[h].startMs);
    last[s] = Math.max(last[s] ?? -Infinity, heard[h].endMs);
  });
  const cuts = cutPoints(first, last, sentences.map((s) => Math.max(1, s.length)), totalMs);
  return sentences.map((_, s) => {
    const startMs = cuts[s];
    const endMs = cuts[s + 1];
    const inside = words.filter((w) => {
      const middle = (w.startMs + w.endMs) / 2;
      return (middle >= startMs || s === 0) && (middle < endMs || s === sentences.length - 1);
    });
    return { startMs, endMs, words: inside };
  });
}

/**
 * Cut times between sentences (S + 1 values from 0 to `totalMs`): halfway between one heard sentence's
 * last word and the next one's first word; runs of unheard sentences share the time between the
 * heard words around them by `weights` (text length).
 */
function cutPoints(
  first: (number | undefined)[],
  last: (number | undefined)[],
  weights: number[],
  totalMs: number,
): number[] {
  const count = weights.length;
  const cuts: number[] = new Array(count + 1).fill(0);
  cuts[count] = totalMs;
  const heard = (s: number) => first[s] !== undefined;
  for (let s = 0; s < count - 1; s++) {
    if (heard(s) && heard(s + 1)) cuts[s + 1] = (last[s]! + first[s + 1]!) / 2;
  }
  for (let i = 0; i < count; i++) {
    if (heard(i)) continue;
    let j = i;
    while (j + 1 < count && !heard(j + 1)) j++;
    const from = i > 0 ? last[i - 1]! : 0;
    const to = j < count - 1 ? first[j + 1]! : totalMs;
    const total = weights.slice(i, j + 1).reduce((a, b) => a + b, 0);
    let sum = 0;
    for (let k = i; k <= j + 1; k++) {
      if (k > 0 && k < count) cuts[k] = from + (to - from) * (sum / total);
      sum += weights[k] ?? 0;
    }
    i = j;
  }
  let previous = 0;
  return cuts.map((cut, k) => {
    const clamped = k === count ? totalMs : Math.min(totalMs, Math.max(previous, Math.round(cut)));
    previous = clamped;
    return clamped;
  });
}

/**
 * When each written word of `text` is heard, from timed words of its audio (times as in `words`).
 * Words the voice skipped get the time between their neighbours, so every token has a span.
 *
 * @example
 * timeTextTokens("It cost $42.", flite.words)
 * // → [{text: "It", start: 0, end: 2, startMs: 190, endMs: 320}, …, {text: "$42", start: 8, end: 11, startMs: 700, endMs: 1480}]
 */
export function timeTextTokens(text: string, words: WordTiming[]): TimedToken[] {
  const tokens = tokenizeText(text);
  const parts: number[] = [];
  const textWords: string[] = [];
  tokens.forEach((token, i) => {
    for (const word of spokenWords(token.text)) {
      parts.push(i);
      textWords.push(word);
    }
  });
  const heard = expandTimedWords(words);
  const match = alignSequences(textWords, heard.map((w) => w.word));
  const spans: ({ startMs: number; endMs: number } | undefined)[] = tokens.map(() => undefined);
  match.forEach((h, t) => {
    if (h === undefined) return;
    const i = parts[t];
    const span = spans[i];
    spans[i] = {
      startMs: Math.min(span?.startMs ?? Infinity, heard[h].startMs),
      endMs: Math.max(span?.endMs ?? -Infinity, heard[h].endMs),
    };
  });
  fillGaps(spans, words.length ? words[0].startMs : 0, words.length ? words[words.length - 1].endMs : 0);
  return tokens.map((token, i) => ({ ...token, startMs: spans[i]!.startMs, endMs: spans[i]!.endMs }));
}

/** Gives unmatched tokens evenly shared time between the matched tokens around them. */
function fillGaps(spans: ({ startMs: number; endMs: number } | undefined)[], startMs: number, endMs: number): void {
  let i = 0;
  while (i < spans.length) {
    if (spans[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < spans.length && !spans[j]) j++;
    const from = i > 0 ? spans[i - 1]!.endMs : startMs;
    const to = j < spans.length ? spans[j]!.startMs : Math.max(from, endMs);
    const step = Math.max(0, to - from) / (j - i);
    for (let k = i; k < j; k++) {
      spans[k] = { startMs: Math.round(from + step * (k - i)), endMs: Math.round(from + step * (k - i + 1)) };
    }
    i = j;
  }
}

/** Timed words as spoken words, one per normalised word ("1999" → three, sharing its time evenly). */
function expandTimedWords(words: WordTiming[]): { word: string; startMs: number; endMs: number }[] {
  const out: { word: string; startMs: number; endMs: number }[] = [];
  for (const timed of words) {
    const parts = tokenizeText(timed.text).flatMap((t) => spokenWords(t.text));
    const step = (timed.endMs - timed.startMs) / Math.max(1, parts.length);
    parts.forEach((word, i) => {
      out.push({
        word,
        startMs: Math.round(timed.startMs + step * i),
        endMs: Math.round(timed.startMs + step * (i + 1)),
      });
    });
  }
  return out;
}

/**
 * Aligns two word sequences (edit distance, Needleman–Wunsch): for each word of `a`, the index of
 * the word of `b` it lines up with, or undefined when it was skipped. Equal words cost 0, similar
 * ones 0.6, other substitutions 1.5, a skipped word 1 — so an exact match elsewhere beats pairing
 * unrelated words, and unrelated words pair up only where both sides have a word to spare (a
 * misheard word).
 */
export function alignSequences(a: string[], b: string[]): (number | undefined)[] {
  const n = a.length;
  const m = b.length;
  const cost = new Float64Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = 0; i <= n; i++) cost[at(i, 0)] = i;
  for (let j = 0; j <= m; j++) cost[at(0, j)] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cost[at(i, j)] = Math.min(
        cost[at(i - 1, j - 1)] + substitution(a[i - 1], b[j - 1]),
        cost[at(i - 1, j)] + 1,
        cost[at(i, j - 1)] + 1,
      );
    }
  }
  const match: (number | undefined)[] = new Array(n).fill(undefined);
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const here = cost[at(i, j)];
    if (here === cost[at(i - 1, j - 1)] + substitution(a[i - 1], b[j - 1])) {
      match[i - 1] = j - 1;
      i--;
      j--;
    } else if (here === cost[at(i - 1, j)] + 1) i--;
    else j--;
  }
  return match;
}

function substitution(x: string, y: string): number {
  if (x === y) return 0;
  return similarity(x, y) >= 0.5 ? 0.6 : 1.5;
}

/** 1 − Levenshtein distance / longer length. */
function similarity(x: string, y: string): number {
  const longer = Math.max(x.length, y.length);
  if (longer === 0) return 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return 1 - previous[y.length] / longer;
}
