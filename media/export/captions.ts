/**
 * Caption cues for the export (pure): each scene's sentence, split into readable chunks of at most
 * two lines, timed by its narration's words when known (else by length), written as SubRip (.srt)
 * and WebVTT (.vtt) text.
 */
import type { WordTiming } from "../../providers/audio/types.ts";
import { timeTextTokens } from "../audio/align.ts";

/** One caption on screen from `startMs` to `endMs` (export time). Lines are joined with "\n". */
export interface Cue {
  startMs: number;
  endMs: number;
  text: string;
}

/** Longest caption line, in characters (the usual subtitle guideline). */
export const MAX_LINE_CHARS = 42;
/** Lines per caption. */
export const MAX_LINES = 2;

/**
 * The cues of one scene: its text in chunks of at most {@link MAX_LINES} lines of
 * {@link MAX_LINE_CHARS}, the scene's time shared out by the narration's word timings (times
 * relative to the scene) or, without them, by chunk length. Cues are contiguous and fill
 * `[startMs, startMs + durationMs)`.
 *
 * @example
 * sceneCues("The lamp was lit.", 4000, 2000) // → [{startMs: 4000, endMs: 6000, text: "The lamp was lit."}]
 */
export function sceneCues(text: string, startMs: number, durationMs: number, words?: WordTiming[]): Cue[] {
  const clean = text.replace(/\s+/g, " ").trim();
  if (!clean || durationMs <= 0) return [];
  const chunks = chunkText(clean);
  const endMs = startMs + durationMs;
  // Where each chunk starts, relative to the scene: from word timings if any, else by length.
  let starts: number[];
  if (words && words.length > 0) {
    const tokens = timeTextTokens(clean, words);
    let tokenIndex = 0;
    starts = chunks.map((chunk, i) => {
      if (i === 0) return 0;
      // The chunk's first token is the one at its character offset in the text.
      while (tokenIndex < tokens.length && tokens[tokenIndex].start < chunk.offset) tokenIndex++;
      return tokens[tokenIndex]?.startMs ?? durationMs;
    });
  } else {
    const total = clean.length;
    starts = chunks.map((chunk) => (chunk.offset / total) * durationMs);
  }
  return chunks.map((chunk, i) => {
    const from = Math.min(endMs, startMs + Math.round(Math.max(starts[i], i > 0 ? starts[i - 1] : 0)));
    const to = i + 1 < chunks.length ? Math.min(endMs, startMs + Math.round(starts[i + 1])) : endMs;
    return { startMs: from, endMs: Math.max(from, to), text: chunk.lines.join("\n") };
  }).filter((cue) => cue.endMs > cue.startMs);
}

/** Wraps text into lines of at most MAX_LINE_CHARS at spaces and groups them MAX_LINES at a time. */
export function chunkText(text: string): { offset: number; lines: string[] }[] {
  const lines: { offset: number; text: string }[] = [];
  let current: { offset: number; text: string } | undefined;
  for (const word of text.matchAll(/\S+/g)) {
    const offset = word.index!;
    if (current && current.text.length + 1 + word[0].length <= MAX_LINE_CHARS) current.text += ` ${word[0]}`;
    else {
      current = { offset, text: word[0] };
      lines.push(current);
    }
  }
  const chunks: { offset: number; lines: string[] }[] = [];
  for (let i = 0; i < lines.length; i += MAX_LINES) {
    const group = lines.slice(i, i + MAX_LINES);
    chunks.push({ offset: group[0].offset, lines: group.map((l) => l.text) });
  }
  return chunks;
}

/** `3723456` → `"01:02:03,456"` (SubRip) or `"01:02:03.456"` (WebVTT). */
export function formatTimestamp(ms: number, separator: "," | "."): string {
  const total = Math.max(0, Math.round(ms));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${separator}${pad(total % 1000, 3)}`;
}

/**
 * SubRip text of `cues`, numbered from 1. SubRip has no escaping: the only sequence that could
 * break a cue, "-->", is written "->", and blank lines inside a cue are dropped.
 */
export function toSrt(cues: Cue[]): string {
  return cues.map((cue, i) =>
    `${i + 1}\n${formatTimestamp(cue.startMs, ",")} --> ${formatTimestamp(cue.endMs, ",")}\n${
      cueLines(cue.text).map((l) => l.replaceAll("-->", "->")).join("\n")
    }\n`
  ).join("\n");
}

/** WebVTT text of `cues`, with `&`, `<` and `>` escaped as the format requires. */
export function toVtt(cues: Cue[]): string {
  const escape = (line: string) => line.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const body = cues.map((cue) =>
    `${formatTimestamp(cue.startMs, ".")} --> ${formatTimestamp(cue.endMs, ".")}\n${
      cueLines(cue.text).map(escape).join("\n")
    }\n`
  ).join("\n");
  return `WEBVTT\n\n${body}`;
}

function cueLines(text: string): string[] {
  return text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
}
