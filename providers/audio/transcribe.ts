/**
 * Word timestamps for narration from any server speaking OpenAI's `POST /v1/audio/transcriptions`
 * (OpenAI whisper-1, faster-whisper servers such as speaches, whisper.cpp's server): multipart with
 * the file, `model`, `response_format=verbose_json` and `timestamp_granularities[]` word and
 * segment. Used to cut a section read in one piece at its sentence boundaries
 * (media/audio/narrate_section.ts). {@link parseTranscription} reads the shapes those servers send.
 */
import { basename } from "node:path";
import { endpointUrl, postToServer, type ServiceNames } from "./openai_http.ts";
import { ProviderError, type WordTiming } from "./types.ts";

/** A timed stretch of text (a whisper "segment", often a sentence or a clause). */
export interface TimedSegment {
  text: string;
  startMs: number;
  endMs: number;
}

/** What the server heard. `words` is empty only when it gave neither words nor segments. */
export interface Transcription {
  text: string;
  durationMs?: number;
  words: WordTiming[];
  segments: TimedSegment[];
  /** True when `words` were spread over segments because the server sent no word timestamps. */
  wordsEstimated: boolean;
}

/** Options of {@link createTranscriber} (from STT_API_URL, STT_MODEL, STT_API_KEY). */
export interface TranscriberOptions {
  url: string;
  /** Default "whisper-1" (what most compatible servers accept or ignore). */
  model?: string;
  apiKey?: string;
  /** Default 10 minutes: a long section on a CPU whisper is slow. */
  timeoutMs?: number;
}

/** A transcription client. */
export interface Transcriber {
  transcribe(
    path: string,
    options: { signal: AbortSignal; language?: string; prompt?: string },
  ): Promise<Transcription>;
}

/** Largest file sent for transcription (OpenAI's own limit). */
export const MAX_TRANSCRIPTION_BYTES = 25 * 1024 * 1024;

const NAMES: ServiceNames = {
  service: "transcription server",
  urlVariable: "STT_API_URL",
  keyVariable: "STT_API_KEY",
  modelVariables: "STT_MODEL",
};

/**
 * Creates a transcription client.
 *
 * @example
 * const stt = createTranscriber({ url: "http://127.0.0.1:8000/v1" });
 * const { words } = await stt.transcribe("/tmp/section.m4a", { signal, prompt: sectionText });
 */
export function createTranscriber(options: TranscriberOptions): Transcriber {
  const url = endpointUrl(options.url, "audio/transcriptions");
  return {
    async transcribe(path, { signal, language, prompt }) {
      const size = (await Deno.stat(path)).size;
      if (size > MAX_TRANSCRIPTION_BYTES) {
        throw new ProviderError(
          `This narration is ${Math.round(size / 1024 / 1024)} MB, more than the ${
            MAX_TRANSCRIPTION_BYTES / 1024 / 1024
          } MB a transcription takes. Split the section.`,
          { transient: false },
        );
      }
      const form = new FormData();
      form.append("file", new Blob([await Deno.readFile(path)], { type: "audio/mp4" }), basename(path));
      form.append("model", options.model ?? "whisper-1");
      form.append("response_format", "verbose_json");
      form.append("timestamp_granularities[]", "word");
      form.append("timestamp_granularities[]", "segment");
      if (language) form.append("language", language);
      // The script as a prompt helps spelling and names; whisper reads at most ~224 tokens of it.
      if (prompt) form.append("prompt", prompt.slice(-800));
      const response = await postToServer(url, {
        body: form,
        apiKey: options.apiKey,
        signal,
        timeoutMs: options.timeoutMs ?? 600_000,
        names: NAMES,
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ProviderError(
          `The transcription server at ${new URL(url).host} did not answer with JSON, so it gave no timestamps. ` +
            "It must support response_format=verbose_json; check STT_API_URL.",
          { transient: false },
        );
      }
      return parseTranscription(body);
    },
  };
}

/**
 * Reads a transcription answer (pure), tolerant of the servers' variants:
 * - OpenAI and faster-whisper servers: `{text, duration, words: [{word, start, end}], segments: [{text, start, end, words?}]}` (seconds);
 * - whisper.cpp server: the same with `words` only inside segments, which may be sub-word tokens
 *   (" light", "house") and special tokens ("[_BEG_]");
 * - whisper.cpp JSON output: `{transcription: [{text, offsets: {from, to}}]}` (milliseconds).
 * Without word timestamps, segment times are shared out over their words by length.
 */
export function parseTranscription(body: unknown): Transcription {
  const root = (body ?? {}) as Record<string, unknown>;
  const segments: TimedSegment[] = [];
  const nestedWords: WordTiming[] = [];
  for (const raw of asArray(root.segments)) {
    const segment = timed(raw, "text", 1000);
    if (segment) segments.push(segment);
    for (const w of asArray((raw as Record<string, unknown>)?.words)) pushWord(nestedWords, w);
  }
  for (const raw of asArray(root.transcription)) {
    const item = raw as { text?: unknown; offsets?: { from?: unknown; to?: unknown } };
    if (typeof item?.text === "string" && isNumber(item.offsets?.from) && isNumber(item.offsets?.to)) {
      segments.push({
        text: item.text.trim(),
        startMs: Math.round(item.offsets.from),
        endMs: Math.round(item.offsets.to),
      });
    }
  }
  const topWords: WordTiming[] = [];
  for (const w of asArray(root.words)) pushWord(topWords, w);
  let words = mergeTokens(topWords.length ? topWords : nestedWords);
  const wordsEstimated = words.length === 0 && segments.length > 0;
  if (wordsEstimated) words = segments.flatMap(spreadWords);
  const text = typeof root.text === "string" ? root.text.trim() : segments.map((s) => s.text).join(" ");
  const duration = isNumber(root.duration) ? Math.round(root.duration * 1000) : undefined;
  return { text, durationMs: duration, words, segments, wordsEstimated };
}

function pushWord(into: WordTiming[], raw: unknown): void {
  const word = timed(raw, "word", 1000) ?? timed(raw, "text", 1000);
  if (word) into.push(word);
}

/** `{[textKey], start, end}` in seconds → a timed item in ms; undefined when malformed. */
function timed(raw: unknown, textKey: string, scale: number): WordTiming | undefined {
  const item = raw as Record<string, unknown> | null;
  const text = item?.[textKey];
  const start = item?.start;
  const end = item?.end;
  if (typeof text !== "string" || !isNumber(start) || !isNumber(end)) return undefined;
  return { text, startMs: Math.round(start * scale), endMs: Math.round(Math.max(start, end) * scale) };
}

/**
 * Drops special tokens and, when the list is made of whisper tokens (some start with a space),
 * joins pieces that do not start with a space to the word before ("light" + "house").
 */
function mergeTokens(words: WordTiming[]): WordTiming[] {
  const real = words.filter((w) => !/^\s*(\[_[A-Z]+_?\d*\]|<\|[^|]*\|>)\s*$/.test(w.text) && w.text.trim() !== "");
  const tokenised = real.some((w) => /^\s/.test(w.text));
  const out: WordTiming[] = [];
  for (const w of real) {
    const previous = out[out.length - 1];
    if (tokenised && previous && !/^\s/.test(w.text) && /^[\p{L}\p{N}'’-]/u.test(w.text)) {
      previous.text += w.text;
      previous.endMs = Math.max(previous.endMs, w.endMs);
    } else out.push({ text: w.text.trim(), startMs: w.startMs, endMs: w.endMs });
  }
  return out.filter((w) => w.text.length > 0);
}

/** A segment's words with its time shared out by word length (used when no word timings came). */
function spreadWords(segment: TimedSegment): WordTiming[] {
  const tokens = segment.text.split(/\s+/).filter((t) => t.length > 0);
  const total = tokens.reduce((n, t) => n + t.length, 0);
  let at = segment.startMs;
  return tokens.map((text) => {
    const length = ((segment.endMs - segment.startMs) * text.length) / Math.max(1, total);
    const word = { text, startMs: Math.round(at), endMs: Math.round(at + length) };
    at += length;
    return word;
  });
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
