/**
 * ffprobe-like facts about a media file — duration, container, streams with codec, size, fps,
 * sample rate and channels — from the project's own ffmpeg (`ffmpeg -i FILE -t 0 -f null -`).
 *
 * Why not ffprobe: the npm ffmpeg build the project installs has none, and `@ffprobe-installer`
 * would add a second GPL binary of a different version (and an install script) for facts ffmpeg
 * already prints. The "Input #0" block ffmpeg prints has kept this shape for a decade, and our
 * ffmpeg is pinned; {@link parseFfmpegInput} is tested on it. ffmpeg prints the container duration
 * to 10 ms; {@link countVideoFrames} gives an exact video length where that matters.
 */
import { ProviderError } from "../providers/types.ts";
import { runFfmpeg } from "../providers/ffmpeg.ts";

/** One stream of a file. Video fields are set for video streams, audio fields for audio streams. */
export interface ProbedStream {
  index: number;
  type: "video" | "audio" | "subtitle" | "data" | "attachment";
  /** ffmpeg's codec name: "h264", "aac", "mp3", "pcm_s16le", "png", "mov_text", … */
  codec: string;
  width?: number;
  height?: number;
  /** Frames per second as ffmpeg reports it ("24 fps", or the "tbr" rate for still images). */
  fps?: number;
  sampleRate?: number;
  channels?: number;
}

/** What ffmpeg found in a file. */
export interface ProbeResult {
  /** ffmpeg's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "mp3", "wav", "png_pipe". */
  format: string;
  /** Container duration in ms (10 ms resolution); null when the file has none (a still image). */
  durationMs: number | null;
  streams: ProbedStream[];
}

/**
 * Probes `path`. Rejects with a permanent {@link ProviderError} when ffmpeg cannot read it as media
 * (its message quotes ffmpeg; callers facing creators turn that into their own sentence).
 *
 * @example
 * const { durationMs, streams } = await probeMedia("/data/media/a.m4a");
 * const audio = streams.find((s) => s.type === "audio");
 */
export async function probeMedia(path: string, options: { signal?: AbortSignal } = {}): Promise<ProbeResult> {
  const { stderr } = await runFfmpeg(["-i", `file:${path}`, "-t", "0", "-f", "null", "-"], {
    signal: options.signal,
    timeoutMs: 30_000,
    task: "read the media file",
  });
  const result = parseFfmpegInput(stderr);
  if (!result) {
    throw new ProviderError("ffmpeg printed no description of the media file, so it cannot be used.", {
      transient: false,
    });
  }
  return result;
}

/**
 * Exact number of video frames in `path` (decodes the first video stream). With the fps this gives
 * the video length to the frame, where {@link probeMedia}'s duration is rounded to 10 ms.
 */
export async function countVideoFrames(path: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  let frames = 0;
  await runFfmpeg(["-loglevel", "error", "-i", `file:${path}`, "-map", "0:v:0", "-f", "null", "-"], {
    signal: options.signal,
    task: "count the video frames",
    onProgress: (progress) => frames = progress.frame,
  });
  return frames;
}

/**
 * Parses the "Input #0" block of ffmpeg's stderr (pure). Returns null when there is none.
 *
 * @example
 * parseFfmpegInput("Input #0, wav, from 'a.wav':\n  Duration: 00:00:03.66, bitrate: 256 kb/s\n" +
 *   "    Stream #0:0: Audio: pcm_s16le, 16000 Hz, mono, s16, 256 kb/s")
 * // → {format: "wav", durationMs: 3660, streams: [{index: 0, type: "audio", codec: "pcm_s16le", sampleRate: 16000, channels: 1}]}
 */
export function parseFfmpegInput(stderr: string): ProbeResult | null {
  const start = stderr.search(/^Input #0, /m);
  if (start < 0) return null;
  const rest = stderr.slice(start);
  const end = rest.search(/^(?:Output #0|Stream mapping:|Input #1)/m);
  const block = end > 0 ? rest.slice(0, end) : rest;
  const format = /^Input #0, (.+?), from /m.exec(block)?.[1] ?? "";
  const duration = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(block);
  const durationMs = duration
    ? Math.round((Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000)
    : null;
  const streams: ProbedStream[] = [];
  for (const line of block.split(/\r?\n/)) {
    const match = /^\s*Stream #0:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Subtitle|Data|Attachment): (.*)$/
      .exec(line);
    if (match) streams.push(parseStream(Number(match[1]), match[2].toLowerCase() as ProbedStream["type"], match[3]));
  }
  return { format, durationMs, streams };
}

function parseStream(index: number, type: ProbedStream["type"], details: string): ProbedStream {
  const codec = /^([\w-]+)/.exec(details)?.[1] ?? "unknown";
  const stream: ProbedStream = { index, type, codec };
  if (type === "video") {
    const size = /(?:^|[\s,])(\d{1,5})x(\d{1,5})(?:[\s,]|$)/.exec(details);
    if (size) {
      stream.width = Number(size[1]);
      stream.height = Number(size[2]);
    }
    const fps = /([\d.]+)(k?) fps/.exec(details) ?? /([\d.]+)(k?) tbr/.exec(details);
    if (fps) stream.fps = Number(fps[1]) * (fps[2] ? 1000 : 1);
  } else if (type === "audio") {
    const rate = /(\d+) Hz/.exec(details);
    if (rate) stream.sampleRate = Number(rate[1]);
    const layout = /Hz, ([^,]+)/.exec(details)?.[1]?.trim();
    if (layout) stream.channels = channelCount(layout);
  }
  return stream;
}

function channelCount(layout: string): number | undefined {
  const named: Record<string, number> = { mono: 1, stereo: 2, "2.1": 3, quad: 4, "5.0": 5, "5.1": 6, "7.1": 8 };
  if (layout in named) return named[layout];
  const base = layout.replace(/\(.*\)$/, "");
  if (base in named) return named[base];
  const count = /^(\d+) channels/.exec(layout);
  return count ? Number(count[1]) : undefined;
}
