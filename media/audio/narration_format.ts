/**
 * The one format every narration file is stored in, whatever made it (the offline voice, an
 * OpenAI-compatible server, a creator's upload, a cut of a section): AAC-LC, mono, 48 kHz, 96 kb/s,
 * in an MP4 container (`.m4a`, `audio/mp4`) with the index at the front.
 *
 * Why: every browser plays AAC in MP4 (Safari included, where Opus in WebM is recent), the export
 * muxes AAC into its MP4 at 48 kHz without resampling surprises, and mono speech at 96 kb/s is
 * transparent at about 12 kB per second. Uploads and backends are converted on arrival, so the rest
 * of the app never meets MP3, WAV or odd sample rates.
 */
import { dirname, join } from "node:path";
import { runFfmpeg } from "../../providers/ffmpeg.ts";
import { probeMedia } from "../probe.ts";

/** File extension of narration files. */
export const NARRATION_EXTENSION = ".m4a";
/** MIME type of narration files. */
export const NARRATION_MIME_TYPE = "audio/mp4";
/** Sample rate of narration files and of the export's audio track. */
export const NARRATION_SAMPLE_RATE = 48_000;

/** ffmpeg output options that write the narration format. */
export const NARRATION_OUTPUT_ARGS: readonly string[] = [
  "-ac",
  "1",
  "-ar",
  String(NARRATION_SAMPLE_RATE),
  "-c:a",
  "aac",
  "-b:a",
  "96k",
  "-movflags",
  "+faststart",
  "-f",
  "mp4",
];

/** Options of {@link encodeNarration}. */
export interface EncodeNarrationOptions {
  signal?: AbortSignal;
  /** Start and length to keep, in ms (a sentence cut from a section file). */
  startMs?: number;
  durationMs?: number;
  /** What ffmpeg is doing, for error messages. */
  task?: string;
}

/**
 * Converts any audio ffmpeg reads (`inPath`) into the narration format at `outPath`, writing a
 * temporary file next to it and renaming it when complete (an abort or failure leaves nothing).
 * Returns the duration of the written file in ms.
 *
 * @example
 * const durationMs = await encodeNarration("/tmp/flite.wav", "/data/media/audio/s1.m4a", { signal });
 */
export async function encodeNarration(
  inPath: string,
  outPath: string,
  options: EncodeNarrationOptions = {},
): Promise<number> {
  const part = join(dirname(outPath), `.${crypto.randomUUID().slice(0, 8)}.m4a.part`);
  const range = [
    ...(options.startMs !== undefined ? ["-ss", msToSeconds(options.startMs)] : []),
    ...(options.durationMs !== undefined ? ["-t", msToSeconds(options.durationMs)] : []),
  ];
  try {
    await runFfmpeg(
      [
        "-loglevel",
        "error",
        ...range,
        "-i",
        `file:${inPath}`,
        "-map",
        "0:a:0",
        "-vn",
        ...NARRATION_OUTPUT_ARGS,
        "-y",
        `file:${part}`,
      ],
      { signal: options.signal, task: options.task ?? "convert the narration", timeoutMs: 120_000 },
    );
    const { durationMs } = await probeMedia(part, { signal: options.signal });
    await Deno.rename(part, outPath);
    return durationMs ?? 0;
  } finally {
    await Deno.remove(part).catch(() => {});
  }
}

/** `1234` → `"1.234"`: ffmpeg time values in seconds with millisecond precision. */
export function msToSeconds(ms: number): string {
  return (Math.max(0, Math.round(ms)) / 1000).toFixed(3);
}
