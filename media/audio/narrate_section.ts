/**
 * Narrates a section, the best way the configuration allows:
 * - read whole (the best flow) and cut at sentence boundaries, when the provider can read a section
 *   and its timings come from the provider itself or from a transcription server;
 * - otherwise sentence by sentence.
 * Either way every sentence ends with its own file in the narration format, its duration and,
 * where known, its word timings. This is the one call the `audio` queue's section job makes.
 */
import { join } from "node:path";
import type { Transcriber } from "../../providers/audio/transcribe.ts";
import type { AudioProvider, SpeechResult, WordTiming } from "../../providers/audio/types.ts";
import { alignSentences, type SentenceSpan } from "./align.ts";
import { cutSection } from "./cut.ts";

/** Options of {@link narrateSection}. */
export interface NarrateSectionOptions {
  provider: AudioProvider;
  /** A transcription client (STT_API_URL); lets a whole-section reading be cut into sentences. */
  transcriber?: Transcriber;
  /** The section's sentences in order, each with the path its narration must be written to. */
  sentences: { text: string; outPath: string }[];
  voice?: string;
  signal: AbortSignal;
  attempt: number;
  /** Fraction 0..1 of the whole section. */
  onProgress?: (fraction: number) => void;
}

/** How the section was read, and each sentence's narration (in order). */
export interface NarratedSection {
  mode: "section" | "sentences";
  sentences: SpeechResult[];
}

/**
 * Whether a section is read whole (and cut) with this provider and transcriber: the provider reads
 * sections and its timings come from itself or from the transcription server. Otherwise sentences
 * are read one by one, and the engine gives each its own job.
 */
export function readsSections(provider: AudioProvider, transcriber?: Transcriber): boolean {
  return provider.synthesizeSection !== undefined && (provider.sectionTimings === true || transcriber !== undefined);
}

/**
 * Narrates every sentence of a section (see the module documentation for the choice of mode).
 *
 * @example
 * const { sentences } = await narrateSection({ provider, transcriber, signal, attempt: 1,
 *   sentences: [{ text: "The lamp was lit.", outPath: "/m/a1.m4a" }, { text: "Night fell.", outPath: "/m/a2.m4a" }] });
 */
export async function narrateSection(options: NarrateSectionOptions): Promise<NarratedSection> {
  const { provider, transcriber, sentences, signal } = options;
  if (sentences.length > 1 && readsSections(provider, transcriber)) {
    return { mode: "section", sentences: await readWholeAndCut(options) };
  }
  const results: SpeechResult[] = [];
  for (const [i, sentence] of sentences.entries()) {
    results.push(
      await provider.synthesize({
        text: sentence.text,
        voice: options.voice,
        outPath: sentence.outPath,
        signal,
        attempt: options.attempt,
        onProgress: (f) => options.onProgress?.((i + f) / sentences.length),
      }),
    );
  }
  return { mode: "sentences", sentences: results };
}

async function readWholeAndCut(options: NarrateSectionOptions): Promise<SpeechResult[]> {
  const { provider, transcriber, sentences, signal } = options;
  const texts = sentences.map((s) => s.text);
  const dir = await Deno.makeTempDir({ prefix: "studio-section-" });
  try {
    const whole = await provider.synthesizeSection!({
      sentences: texts,
      voice: options.voice,
      outPath: join(dir, "section.audio"),
      signal,
      attempt: options.attempt,
      onProgress: (f) => options.onProgress?.(f * 0.6),
    });
    let words: WordTiming[] = whole.words ?? [];
    let spans: SentenceSpan[] | undefined;
    if (whole.sentences?.length === texts.length) {
      spans = whole.sentences.map((s) => ({
        ...s,
        words: words.filter((w) => (w.startMs + w.endMs) / 2 >= s.startMs && (w.startMs + w.endMs) / 2 < s.endMs),
      }));
    } else {
      if (words.length === 0 && transcriber) {
        words = (await transcriber.transcribe(whole.path, { signal, prompt: texts.join(" ") })).words;
      }
      spans = alignSentences(texts, words, whole.durationMs);
    }
    options.onProgress?.(0.8);
    const pieces = await cutSection(whole.path, spans, sentences.map((s) => s.outPath), { signal });
    options.onProgress?.(1);
    return pieces;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
