/**
 * Takes a creator's own recording for a sentence or a section: streamed to disk (never whole in
 * memory, stopped at the size limit), recognised by its bytes (MP3, WAV or M4A, whatever its name
 * says), checked with ffmpeg (readable, has sound, not too short or too long) and converted to the
 * narration format (./narration_format.ts). Every refusal is an {@link UploadError} whose message is
 * a sentence for the creator and whose `status` suits an HTTP answer.
 */
import { dirname, join } from "node:path";
import { runFfmpeg } from "../../providers/ffmpeg.ts";
import { probeMedia } from "../probe.ts";
import { encodeNarration, NARRATION_MIME_TYPE } from "./narration_format.ts";
import { ACCEPTED_RECORDING_KINDS, KIND_NAMES, type SniffedKind, sniffKind } from "./sniff.ts";

/** Largest upload accepted, in bytes (50 MB: a 10-minute WAV at 44.1 kHz mono is 53 MB, an MP3 a tenth). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** Longest recording accepted (a whole section). */
export const MAX_RECORDING_MS = 10 * 60_000;
/** Shortest recording accepted. */
export const MIN_RECORDING_MS = 300;
/** A recording whose loudest moment is quieter than this is taken for silence. */
export const SILENCE_PEAK_DB = -50;

/** A refused upload. `status`: 413 too big, 415 not an accepted format, 422 unusable audio. */
export class UploadError extends Error {
  readonly status: 413 | 415 | 422;
  constructor(message: string, status: 413 | 415 | 422) {
    super(message);
    this.name = "UploadError";
    this.status = status;
  }
}

/** Options of {@link acceptRecording}. */
export interface AcceptRecordingOptions {
  signal?: AbortSignal;
  maxBytes?: number;
  maxDurationMs?: number;
}

/** The stored recording. */
export interface AcceptedRecording {
  path: string;
  mimeType: typeof NARRATION_MIME_TYPE;
  durationMs: number;
  /** What the creator sent. */
  sourceKind: SniffedKind;
}

/**
 * Streams `body` to a temporary file next to `outPath`, checks it and writes the narration file to
 * `outPath`. Rejects with an {@link UploadError} for anything a creator should fix; nothing is left
 * behind on any failure or abort.
 *
 * @example
 * const file = form.get("file") as File;
 * const { durationMs } = await acceptRecording(file.stream(), "/data/media/audio/s12-upload.m4a");
 */
export async function acceptRecording(
  body: ReadableStream<Uint8Array>,
  outPath: string,
  options: AcceptRecordingOptions = {},
): Promise<AcceptedRecording> {
  const { signal } = options;
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  const maxDurationMs = options.maxDurationMs ?? MAX_RECORDING_MS;
  const source = join(dirname(outPath), `.${crypto.randomUUID().slice(0, 8)}.upload.part`);
  try {
    const { size, head } = await saveStream(body, source, maxBytes, signal);
    if (size === 0) throw new UploadError("The file is empty. Choose a recording in MP3, WAV or M4A.", 422);
    const kind = sniffKind(head);
    if (!ACCEPTED_RECORDING_KINDS.includes(kind)) {
      const audio = ["ogg", "flac", "webm", "aiff"].includes(kind);
      throw new UploadError(
        audio
          ? `This is ${
            KIND_NAMES[kind]
          }, which is not accepted. Export the recording as MP3, WAV or M4A and upload that.`
          : `This is not an audio recording (it looks like ${KIND_NAMES[kind]}). Upload an MP3, WAV or M4A recording.`,
        415,
      );
    }
    const durationMs = await checkedDuration(source, kind, maxDurationMs, signal);
    if ((await peakVolumeDb(source, signal)) < SILENCE_PEAK_DB) {
      throw new UploadError(
        "This recording is silent. Check the microphone and record again, or choose another file.",
        422,
      );
    }
    const stored = await encodeNarration(source, outPath, { signal, task: "convert the recording" })
      .catch((error) => {
        if (signal?.aborted) throw error;
        throw unreadable(kind, error);
      });
    return { path: outPath, mimeType: NARRATION_MIME_TYPE, durationMs: stored || durationMs, sourceKind: kind };
  } finally {
    await Deno.remove(source).catch(() => {});
  }
}

/** Writes the stream to `path`, keeping the first 64 bytes, and stops past `maxBytes`. */
async function saveStream(
  body: ReadableStream<Uint8Array>,
  path: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ size: number; head: Uint8Array }> {
  signal?.throwIfAborted();
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const reader = body.getReader();
  const head = new Uint8Array(64);
  let size = 0;
  const stop = () => reader.cancel().catch(() => {});
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      if (size < head.length) head.set(value.subarray(0, head.length - size), size);
      size += value.length;
      if (size > maxBytes) {
        await stop();
        throw new UploadError(
          `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most a recording may be. ` +
            "Upload a shorter recording or a compressed one (MP3 or M4A).",
          413,
        );
      }
      let written = 0;
      while (written < value.length) written += await file.write(value.subarray(written));
    }
  } finally {
    signal?.removeEventListener("abort", stop);
    file.close();
  }
  return { size, head: head.subarray(0, Math.min(size, head.length)) };
}

async function checkedDuration(
  path: string,
  kind: SniffedKind,
  maxDurationMs: number,
  signal?: AbortSignal,
): Promise<number> {
  const probed = await probeMedia(path, { signal }).catch((error) => {
    if (signal?.aborted) throw error;
    throw unreadable(kind, error);
  });
  if (!probed.streams.some((s) => s.type === "audio")) {
    throw new UploadError(`This ${kind.toUpperCase()} file holds no sound. Upload a recording with audio in it.`, 422);
  }
  const durationMs = probed.durationMs ?? 0;
  if (durationMs < MIN_RECORDING_MS) {
    throw new UploadError(
      `This recording is too short (${(durationMs / 1000).toFixed(1)} s); a narration needs at least ${
        MIN_RECORDING_MS / 1000
      } s.`,
      422,
    );
  }
  if (durationMs > maxDurationMs) {
    throw new UploadError(
      `This recording is ${formatMinutes(durationMs)} long; a narration may be at most ${
        formatMinutes(maxDurationMs)
      }. Trim it or split it by sentence.`,
      422,
    );
  }
  return durationMs;
}

/** Loudest sample of a file's first audio stream in dBFS (ffmpeg's volumedetect); -Infinity for digital silence. */
export async function peakVolumeDb(path: string, signal?: AbortSignal): Promise<number> {
  const { stderr } = await runFfmpeg(
    ["-loglevel", "info", "-i", `file:${path}`, "-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"],
    { signal, task: "measure the recording's volume", timeoutMs: 120_000 },
  );
  const match = /max_volume: (-?inf|-?[\d.]+) dB/.exec(stderr);
  if (!match) return 0;
  return match[1].endsWith("inf") ? -Infinity : Number(match[1]);
}

function unreadable(kind: SniffedKind, cause: unknown): UploadError {
  const error = new UploadError(
    `This file starts like ${KIND_NAMES[kind]} but could not be read; it may be damaged or cut short. ` +
      "Export it again and upload the new file.",
    422,
  );
  (error as { cause?: unknown }).cause = cause;
  return error;
}

function formatMinutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
