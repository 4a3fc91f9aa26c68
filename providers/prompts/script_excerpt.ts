/**
 * The part of the script one request carries: the whole script when it fits in the budget, else
 * the scenes around the batch, widened on both sides in turn until the budget is spent, with the
 * headings of the sections it crosses and a "[…]" where text is left out. The running notes carry
 * what came before; the excerpt gives the batch its immediate story.
 */
import type { ScriptContext } from "./types.ts";

/** Longest sentence text quoted in an excerpt; the rest of a very long sentence is cut. */
const SENTENCE_CHARS = 1000;

interface Line {
  section: number;
  sentenceId: number;
  text: string;
}

/**
 * The script around `batchIds` as lines of text, `[n] sentence` per scene (n = scene number),
 * within `budgetChars` (the batch itself is always included; 0 gives "").
 *
 * @example
 * scriptExcerpt(script, [12, 13], 8000)
 * // "## The storm\n[4] The wind rose at dusk.\n[5] …"
 */
export function scriptExcerpt(script: ScriptContext, batchIds: number[], budgetChars: number): string {
  if (budgetChars <= 0) return "";
  const lines: Line[] = [];
  script.sections.forEach((section, s) => {
    for (const sentence of section.sentences) {
      lines.push({ section: s, sentenceId: sentence.id, text: `[${sentence.number}] ${cut(sentence.text)}` });
    }
  });
  const wanted = new Set(batchIds);
  const indices = lines.flatMap((line, i) => (wanted.has(line.sentenceId) ? [i] : []));
  if (indices.length === 0) return "";
  let lo = indices[0];
  let hi = indices[indices.length - 1];
  let used = 0;
  for (let i = lo; i <= hi; i++) used += lines[i].text.length + 1;
  // Widen the window one scene at a time, before and after in turn, while the budget allows.
  let before = true;
  while (lo > 0 || hi < lines.length - 1) {
    const next = before ? (lo > 0 ? lo - 1 : hi + 1) : (hi < lines.length - 1 ? hi + 1 : lo - 1);
    const cost = lines[next].text.length + 1;
    if (used + cost > budgetChars) break;
    used += cost;
    if (next < lo) lo = next;
    else hi = next;
    before = !before;
  }
  const out: string[] = [];
  if (lo > 0) out.push("[…]");
  let section = -1;
  for (let i = lo; i <= hi; i++) {
    if (lines[i].section !== section) {
      section = lines[i].section;
      out.push(`## ${script.sections[section].title ?? `Section ${section + 1}`}`);
    }
    out.push(lines[i].text);
  }
  if (hi < lines.length - 1) out.push("[…]");
  return out.join("\n");
}

function cut(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > SENTENCE_CHARS ? `${flat.slice(0, SENTENCE_CHARS - 1)}…` : flat;
}
