/**
 * The `flite` narration provider, the offline default: CMU Flite's "slt" voice (a US English female
 * voice, statistical parametric) running as WebAssembly in a worker (./flite/engine.ts). It needs
 * nothing installed beyond the npm packages the project pins, works without network, and reads a
 * sentence in about half a second on two cores. It sounds synthetic but clear: a real voice for
 * drafts, to be replaced by an OpenAI-compatible server (`openai`) for the final cut.
 *
 * Every sentence gets word timings (./flite/timings.ts), so the card can highlight words as they
 * are heard. The WAV Flite writes is converted to the narration format (AAC in .m4a).
 */
import { join } from "node:path";
import { encodeNarration, NARRATION_MIME_TYPE } from "../../media/audio/narration_format.ts";
import { runFlite } from "./flite/engine.ts";
import { parseSegments, parseWords, phoneCountsPerWord, wordTimings } from "./flite/timings.ts";
import { type AudioProvider, ProviderError, type SpeechRequest, type SpeechResult } from "./types.ts";

/** Voices built into the Flite module; `slt` is the clearest. */
export const FLITE_VOICES = ["slt", "rms", "awb", "kal16", "kal"] as const;

/** Options of {@link createFliteProvider}. */
export interface FliteProviderOptions {
  /** The voice when a request names none (or one Flite lacks). Default "slt". */
  voice?: string;
  /** Upper bound for one Flite run before it is stopped (transient failure). Default 60 s. */
  timeoutMs?: number;
}

/** Longest sentence the offline voice takes, in characters (a long paragraph still fits). */
export const FLITE_MAX_CHARS = 5_000;

/** Creates the offline Flite provider. */
export function createFliteProvider(options: FliteProviderOptions = {}): AudioProvider {
  const fallbackVoice = pickVoice(options.voice) ?? "slt";
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    name: "flite",
    synthesize: (request) => synthesize(request, pickVoice(request.voice) ?? fallbackVoice, timeoutMs),
  };
}

async function synthesize(request: SpeechRequest, voice: string, timeoutMs: number): Promise<SpeechResult> {
  const { signal } = request;
  const text = request.text.replace(/\s+/g, " ").trim();
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw new ProviderError("This sentence has no words to read aloud. Add some text or upload a recording.", {
      transient: false,
    });
  }
  if (text.length > FLITE_MAX_CHARS) {
    throw new ProviderError(
      `This sentence is ${text.length} characters long; the offline voice reads at most ${FLITE_MAX_CHARS}. Split it into shorter sentences.`,
      { transient: false },
    );
  }
  request.onProgress?.(0);
  const voiceArgs = ["-voice", voice];
  const [spoken] = await runFlite([{ args: [...voiceArgs, "-t", text, "-o", "none", "-pw"] }], { signal, timeoutMs });
  const words = parseWords(spoken.stdout);
  const [speech, perWord] = await runFlite([
    { args: [...voiceArgs, "-t", text, "-o", "speech.wav", "-psdur"] },
    // One pause after every word: the phones between pauses are that word's.
    { args: [...voiceArgs, "-t", words.join(", "), "-o", "none", "-psdur"] },
  ], { signal, timeoutMs });
  const wav = speech.files["speech.wav"];
  if (speech.exitCode !== 0 || !wav || wav.length <= 44) {
    throw new ProviderError(
      `The offline voice produced no audio for this sentence${speech.stderr ? ` (${speech.stderr.trim()})` : ""}. ` +
        "Rephrase it or upload a recording.",
      { transient: false },
    );
  }
  request.onProgress?.(0.6);
  const dir = await Deno.makeTempDir({ prefix: "studio-flite-" });
  try {
    const wavPath = join(dir, "speech.wav");
    await Deno.writeFile(wavPath, wav);
    const durationMs = await encodeNarration(wavPath, request.outPath, { signal, task: "encode the narration" });
    const timings = wordTimings(words, parseSegments(speech.stdout), phoneCountsPerWord(parseSegments(perWord.stdout)));
    request.onProgress?.(1);
    return { path: request.outPath, mimeType: NARRATION_MIME_TYPE, durationMs, words: timings };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function pickVoice(name: string | undefined): string | undefined {
  const wanted = name?.trim().toLowerCase().replace(/^cmu_us_/, "");
  return FLITE_VOICES.find((v) => v === wanted);
}
