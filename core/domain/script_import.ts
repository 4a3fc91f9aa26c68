/**
 * Splits a narrated script into sections and sentences.
 *
 * Sections: when the script has heading lines (`# Intro`, `## Part two`), each heading starts a
 * section and blank lines only separate paragraphs; without headings, blank lines separate
 * sections. Sentences: the Unicode sentence segmenter (Intl.Segmenter) does the heavy lifting
 * (quotes, ellipses, decimals, any script), and breaks it makes after common abbreviations
 * ("Dr.", "e.g.") or initials ("J. R. R."), or before a lower-case continuation, are undone.
 */

/** A section as parsed from the script, before it is stored. */
export interface ParsedSection {
  title: string | null;
  sentences: string[];
}

const HEADING = /^\s{0,3}#{1,6}(?:\s+(.*?))?\s*#*\s*$/;

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

/** Splits a whole script; empty sections are dropped. */
export function splitScript(script: string): ParsedSection[] {
  const lines = script.replace(/\r\n?/g, "\n").split("\n");
  const hasHeadings = lines.some((line) => HEADING.test(line));
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
    const sentences = paragraphs.flatMap(splitSentences);
    if (sentences.length) sections.push({ title, sentences });
    else if (title !== null && hasHeadings) sections.push({ title, sentences: [] });
    paragraphs = [];
  };

  for (const line of lines) {
    const heading = HEADING.exec(line);
    if (heading) {
      endSection();
      title = heading[1]?.trim().slice(0, 200) || null; // a bare "#" is a break without a title
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

/** Splits one paragraph into trimmed sentences. */
export function splitSentences(paragraph: string): string[] {
  const text = paragraph.replace(/\s+/g, " ").trim();
  if (!text) return [];
  const parts = [...segmenter.segment(text)]
    // The segmenter does not break before "[" after a full stop ("Fine. [slow] Next one."): do.
    .flatMap((s) => s.segment.split(/(?<=[.!?…]['"”’)]?)\s+(?=\[)/))
    .map((s) => s.trim())
    .filter(Boolean);
  const sentences: string[] = [];
  for (const part of parts) {
    const previous = sentences.at(-1);
    if (previous !== undefined && shouldJoin(previous, part)) {
      sentences[sentences.length - 1] = `${previous} ${part}`;
    } else {
      sentences.push(part);
    }
  }
  return sentences.flatMap((sentence) => chunk(sentence, MAX_SENTENCE_CHARS));
}

/** The longest sentence kept whole; a longer run-on is cut at spaces so every scene stays usable. */
export const MAX_SENTENCE_CHARS = 1000;

function chunk(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf(" ", max);
    const at = cut > max / 2 ? cut : max;
    chunks.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

function shouldJoin(previous: string, next: string): boolean {
  // "Dr." / "e.g." / "U.S." at the end of the previous piece: not a sentence end.
  const lastWord = /(?:^|[\s("'“‘])([\p{L}.]+)\.$/u.exec(previous)?.[1];
  if (lastWord) {
    const word = lastWord.toLowerCase();
    if (ABBREVIATIONS.has(word)) return true;
    if (/^\p{Lu}$/u.test(lastWord)) return true; // an initial: "J. R. R. Tolkien"
  }
  // A quotation that ends in ? or ! followed by a lower-case continuation: '"Really?" she asked.'
  return /^\p{Ll}/u.test(next);
}
