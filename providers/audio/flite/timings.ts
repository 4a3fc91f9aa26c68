/**
 * Word timings from Flite's printouts (pure). Flite prints the words it speaks (`-pw`: numbers and
 * abbreviations expanded, "doctor forty two dollars") and its phones with end times (`-psdur`:
 * "pau:0.184 dh:0.251 …"), but not which phones belong to which word. A second run over the words
 * separated by commas puts a pause after each word, which gives each word's phone count; walking
 * the sentence's phones with those counts gives each word's start and end.
 */
import type { WordTiming } from "../types.ts";

/** One phone and when it ends, in ms. `pau` is a pause. */
export interface PhoneSegment {
  phone: string;
  endMs: number;
}

/** Parses `-psdur` output ("pau:0.184 dh:0.251 …") into phones with end times in ms. */
export function parseSegments(stdout: string): PhoneSegment[] {
  const segments: PhoneSegment[] = [];
  for (const match of stdout.matchAll(/(\S+):(\d+(?:\.\d+)?)/g)) {
    segments.push({ phone: match[1], endMs: Math.round(Number(match[2]) * 1000) });
  }
  return segments;
}

/**
 * Parses `-pw` output into spoken words, dropping tokens without a letter or digit (Flite prints
 * unknown symbols such as a dash as replacement characters) and joining clitics to their word
 * ("keeper 's" → "keeper's"), so each entry is one word a listener hears.
 */
export function parseWords(stdout: string): string[] {
  const words: string[] = [];
  for (const token of stdout.split(/\s+/)) {
    if (!/[\p{L}\p{N}]/u.test(token)) continue;
    if (token.startsWith("'") && words.length > 0) words[words.length - 1] += token;
    else words.push(token);
  }
  return words;
}

/** Phones per word from the comma-separated run: the phones between pauses, one group per word. */
export function phoneCountsPerWord(segments: PhoneSegment[]): number[] {
  const counts: number[] = [];
  let current = 0;
  for (const { phone } of segments) {
    if (phone === "pau") {
      if (current > 0) counts.push(current);
      current = 0;
    } else current++;
  }
  if (current > 0) counts.push(current);
  return counts;
}

/**
 * Start and end of each word in the sentence's audio. Uses `counts` (phones per word) when they
 * match the sentence's phones exactly; otherwise (Flite pronounced a word differently in context)
 * shares the phones out in proportion to the words' lengths, which is close enough to highlight
 * words as they are heard. Pauses belong to no word.
 *
 * @example
 * wordTimings(["the", "lamp"], parseSegments("pau:0.2 dh:0.25 ax:0.3 l:0.4 ae:0.5 m:0.55 p:0.6 pau:0.8"), [2, 4])
 * // → [{text: "the", startMs: 200, endMs: 300}, {text: "lamp", startMs: 300, endMs: 600}]
 */
export function wordTimings(words: string[], segments: PhoneSegment[], counts?: number[]): WordTiming[] {
  const phones: { startMs: number; endMs: number }[] = [];
  segments.forEach((segment, i) => {
    if (segment.phone !== "pau") phones.push({ startMs: i > 0 ? segments[i - 1].endMs : 0, endMs: segment.endMs });
  });
  if (words.length === 0 || phones.length === 0) return [];
  const exact = counts !== undefined && counts.length === words.length &&
    counts.reduce((a, b) => a + b, 0) === phones.length && counts.every((c) => c > 0);
  const perWord = exact ? counts : proportionalCounts(words, phones.length);
  const timings: WordTiming[] = [];
  let at = 0;
  words.forEach((text, i) => {
    const count = perWord[i];
    if (count === 0) {
      // More words than phones: the word gets an instant at the current point.
      const ms = phones[Math.min(at, phones.length - 1)].startMs;
      timings.push({ text, startMs: ms, endMs: ms });
      return;
    }
    timings.push({ text, startMs: phones[at].startMs, endMs: phones[at + count - 1].endMs });
    at += count;
  });
  return timings;
}

/** Splits `total` phones over `words` by letter count (each word at least one while phones last). */
function proportionalCounts(words: string[], total: number): number[] {
  const weights = words.map((w) => Math.max(1, w.replace(/[^\p{L}\p{N}]/gu, "").length));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  let used = 0;
  let cumulative = 0;
  for (let i = 0; i < words.length; i++) {
    cumulative += weights[i];
    const left = total - used;
    const target = i === words.length - 1 ? total : Math.round((cumulative / sum) * total);
    // Leave one phone for each later word where possible, and give this word at least one.
    const count = Math.max(Math.min(target - used, left - (words.length - i - 1)), Math.min(1, left));
    counts.push(count);
    used += count;
  }
  return counts;
}
