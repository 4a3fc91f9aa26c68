/**
 * ffmpeg argument sets for the media the studio makes, so every command that writes a PNG still or
 * a browser-playable H.264 MP4 (the draft provider, exports, test fixtures) says it the same way.
 * Pure: each returns arguments to splice into a `runFfmpeg` call (providers/ffmpeg.ts).
 */

/**
 * `-f lavfi -i <source>`: an input ffmpeg makes itself from a source filter (a flat colour, a test
 * pattern, a tone) rather than reads from a file.
 *
 * @example
 * await runFfmpeg(["-loglevel", "error", ...lavfiInput("color=c=black:s=64x36:d=1"), ...pngFileOutput(path)]);
 */
export function lavfiInput(source: string): string[] {
  return ["-f", "lavfi", "-i", source];
}

/** Options of {@link h264VideoArgs}. */
export interface H264Options {
  /** x264 speed against size: "ultrafast" … "veryslow". */
  preset: string;
  /** Constant quality (lower is better); x264's default when absent. */
  crf?: number;
  /** Frames between keyframes (`-g`); x264's default when absent. */
  keyframeInterval?: number;
}

/**
 * Video encoder options for H.264 in yuv420p, the form every browser plays.
 *
 * @example
 * [...h264VideoArgs({ preset: "veryfast", crf: 23, keyframeInterval: 48 }), ...mp4FileOutput(path)]
 */
export function h264VideoArgs(options: H264Options): string[] {
  return [
    "-c:v",
    "libx264",
    "-preset",
    options.preset,
    ...(options.crf === undefined ? [] : ["-crf", String(options.crf)]),
    "-pix_fmt",
    "yuv420p",
    ...(options.keyframeInterval === undefined ? [] : ["-g", String(options.keyframeInterval)]),
  ];
}

/**
 * The last arguments of a command writing an MP4 file at `path` (overwritten), its index first
 * (`+faststart`) so a browser starts playing before the whole file has arrived.
 */
export function mp4FileOutput(path: string): string[] {
  return ["-movflags", "+faststart", "-f", "mp4", "-y", `file:${path}`];
}

/** The last arguments of a command writing exactly one frame as a PNG file at `path` (overwritten). */
export function pngFileOutput(path: string): string[] {
  return ["-frames:v", "1", "-c:v", "png", "-f", "image2", "-update", "1", "-y", `file:${path}`];
}
