/**
 * Splits a narrated script into sections and sentences.
 *
 * Sections: when the script has heading lines (`# Intro`, `## Part two`), each heading starts a
 * section and blank lines only separate paragraphs; without headings, blank lines separate
 * sections. Sentences: the Unicode sentence segmenter (Intl.Segmenter) does the heavy lifting
 * (quotes, ellipses, decimals, any script), and breaks it makes after common abbreviations
 * ("Dr.", "e.g.") or initials ("J. R. R."), or before a lower-case continuation, are undone.
 *
 * Every step is linear in the script's length (a 2,000,000-character script of the worst
 * patterns — "J. J. J.", "Dr. Dr.", a heading line of spaces — splits in about a second): no
 * regular expression here can backtrack over more than one character class, the abbreviation
 * check looks only at the last word of the last piece, and a sentence is built from a list of
 * pieces joined once. `tests/security/import_stall_test.ts` holds it to that.
 */

import { InvalidInputError } from "./errors.ts";

/** A section as parsed from the script, before it is stored. */
export interface ParsedSection {
  title: string | null;
  sentences: string[];
}

const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "mt",
  "vs",
  "etc",
  "e.g",
  "i.e",
  "cf",
  "no",
  "nos",
  "fig",
  "figs",
  "vol",
  "vols",
  "approx",
  "inc",
  "ltd",
  "co",
  "corp",
  "dept",
  "est",
  "gen",
  "gov",
  "lt",
  "col",
  "sgt",
  "capt",
  "rev",
  "hon",
  "u.s",
  "u.k",
  "a.m",
  "p.m",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "ca",
  "op",
  "pp",
  "ed",
  "eds",
]);

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** Options of {@link splitScript}. */
export interface SplitOptions {
  /**
   * Stop with an {@link InvalidInputError} as soon as the script has more sentences than this,
   * so an oversized script costs no more than the part that proved it too big.
   */
  maxSentences?: number;
}

/** Splits a whole script; empty sections are dropped. */
export function splitScript(script: string, options: SplitOptions = {}): ParsedSection[] {
  const maxSentences = options.maxSentences ?? Infinity;
  let sentenceCount = 0;
  const lines = script.replace(/\r\n?/g, "\n").split("\n");
  const hasHeadings = lines.some((line) => parseHeading(line) !== undefined);
  const sections: ParsedSection[] = [];
  let title: string | null = null;
  let paragraphs: string[] = [];
  let paragraph: string[] = [];

  const endParagraph = () => {
    if (paragraph.length) paragraphs.push(paragraph.join(" "));
    paragraph = [];
  };
  const endSection = () => {
    endParagraph();
    const sentences: string[] = [];
    for (const text of paragraphs) {
      sentences.push(...splitSentences(text));
      if (sentenceCount + sentences.length > maxSentences) throw tooManySentences(maxSentences);
    }
    sentenceCount += sentences.length;
    if (sentences.length) sections.push({ title, sentences });
    else if (title !== null && hasHeadings) sections.push({ title, sentences: [] });
    paragraphs = [];
  };

  for (const line of lines) {
    const heading = parseHeading(line);
    if (heading !== undefined) {
      endSection();
      title = heading?.slice(0, 200) || null; // a bare "#" is a break without a title
    } else if (line.trim() === "") {
      if (hasHeadings) endParagraph();
      else {
        endSection();
        title = null;
      }
    } else {
      paragraph.push(line.trim());
    }
  }
  endSection();
  return sections.filter((section) => section.sentences.length > 0);
}

function tooManySentences(max: number): InvalidInputError {
  return new InvalidInputError(
    "script",
    `The script has more than ${max} sentences; a project can hold at most ${max}. Split it into several projects.`,
  );
}

/**
 * A Markdown-style heading line (up to three leading spaces, one to six `#`, then a space or
 * the end; closing `#`s dropped): its title, `null` for a bare `#`, `undefined` for other lines.
 * Written out by hand: the one-regex version backtracked cubically over a line of spaces.
 */
export function parseHeading(line: string): string | null | undefined {
  let at = 0;
  while (at < 3 && at < line.length && WHITESPACE.test(line[at])) at++;
  const hashesStart = at;
  while (at < line.length && line[at] === "#") at++;
  const hashes = at - hashesStart;
  if (hashes === 0) return undefined;
  const rest = line.slice(at);
  if (rest.trim() === "") return null; // "#", "##  ", "#######": a break without a title
  if (hashes > 6 || !WHITESPACE.test(rest[0])) return undefined; // "#hashtag", "####### x"
  const title = stripClosingHashes(rest.trim());
  return title === "" ? null : title;
}

const WHITESPACE = /^\s$/u;

/** "Title ##" → "Title": a closing run of `#` and the spaces around it. */
function stripClosingHashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  return text.slice(0, end).trimEnd();
}

/** Splits one paragraph into trimmed sentences. */
export function splitSentences(paragraph: string): string[] {
  const text = paragraph.replace(/\s+/g, " ").trim();
  if (!text) return [];
  const sentences: string[] = [];
  // The sentence being built, as pieces joined once at its end: joining as we go copied the
  // growing sentence for every abbreviation ("Dr. Dr. Dr. …" was quadratic).
  let pieces: string[] = [];
  const endSentence = () => {
    if (pieces.length) sentences.push(...chunk(pieces.join(" "), MAX_SENTENCE_CHARS));
    pieces = [];
  };
  for (const { segment } of segmenter.segment(text)) {
    // The segmenter does not break before "[" after a full stop ("Fine. [slow] Next one."): do.
    for (const raw of segment.split(MARKER_BREAK)) {
      const piece = raw.trim();
      if (!piece) continue;
      if (pieces.length && !shouldJoin(pieces[pieces.length - 1], piece)) endSentence();
      pieces.push(piece);
    }
  }
  endSentence();
  return sentences;
}

const MARKER_BREAK = /(?<=[.!?…]['"”’)]?)\s+(?=\[)/;

/** The longest sentence kept whole; a longer run-on is cut at spaces so every scene stays usable. */
export const MAX_SENTENCE_CHARS = 1000;

function chunk(text: string, max: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    const at = lastSpaceBetween(text, start + max / 2, start + max) ?? start + max;
    chunks.push(text.slice(start, at).trim());
    start = at;
    while (text[start] === " ") start++;
  }
  const rest = text.slice(start).trim();
  if (rest) chunks.push(rest);
  return chunks;
}

/** The last space in text[from, to], looking no further back (`lastIndexOf` would scan to 0). */
function lastSpaceBetween(text: string, from: number, to: number): number | undefined {
  for (let i = to; i > from; i--) if (text[i] === " ") return i;
  return undefined;
}

/**
 * Whether `next` continues the sentence whose last piece is `previous`: after "Dr." / "e.g." /
 * "U.S." or an initial ("J. R. R. Tolkien"), or before a lower-case continuation of a quotation
 * ('"Really?" she asked.'). Looks only at the last word of `previous`, so it is O(word).
 */
function shouldJoin(previous: string, next: string): boolean {
  const lastWord = wordBeforeFinalStop(previous);
  if (lastWord) {
    if (ABBREVIATIONS.has(lastWord.toLowerCase())) return true;
    if (/^\p{Lu}$/u.test(lastWord)) return true; // an initial
  }
  return /^\p{Ll}/u.test(next);
}

const WORD_CHAR = /^[\p{L}.]$/u;
const WORD_START = /^[\s("'“‘]$/u;

/**
 * The word of letters and dots before a final "." ("Dr." → "Dr", "U.S." → "U.S"), when it
 * starts the text or follows a space, quote or parenthesis; otherwise undefined.
 */
function wordBeforeFinalStop(text: string): string | undefined {
  if (!text.endsWith(".")) return undefined;
  const end = text.length - 1;
  let start = end;
  while (start > 0) {
    const before = codePointBefore(text, start);
    if (!WORD_CHAR.test(before)) break;
    start -= before.length;
  }
  if (start === end) return undefined;
  if (start > 0 && !WORD_START.test(codePointBefore(text, start))) return undefined;
  return text.slice(start, end);
}

/** The whole code point that ends at `index` (a surrogate pair counts as one). */
function codePointBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  if (index >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
  }
  return text[index - 1];
}
