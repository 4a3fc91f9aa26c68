/**
 * The `draft` provider: offline, on any machine, no GPU. It renders with the project's own ffmpeg
 * (see ./ffmpeg.ts):
 * - an image: the prompt text, wrapped and centred, over a soft gradient whose colours are derived
 *   from the prompt and seed (same input, same picture; different prompts, different pictures);
 * - a video: a slow Ken Burns pan/zoom over that image, H.264 (yuv420p, +faststart) in MP4, which
 *   every browser plays.
 *
 * Files are written under a temporary name next to `outPath` and renamed when complete, so a
 * reader never sees half a file and an aborted or failed render leaves nothing behind.
 */
import { basename, dirname, join } from "node:path";
import { filterOptions as opts, fontPath, runFfmpeg } from "./ffmpeg.ts";
import { h264VideoArgs, lavfiInput, mp4FileOutput, pngFileOutput } from "../media/ffmpeg_args.ts";
import { validateMediaFile } from "../media/validate.ts";
import type { GeneratedMedia, ImageRequest, MediaProvider, VideoRequest } from "./types.ts";
import { ProviderError } from "./types.ts";

/** Options of {@link createDraftProvider}. */
export interface DraftProviderOptions {
  /** Upper bound for one ffmpeg run before it is killed (transient failure). Default 2 minutes. */
  timeoutMs?: number;
}

const DEFAULT_SECONDS = 4;
const DEFAULT_FPS = 24;
const MAX_SIDE = 4096;
const MIN_SIDE = 16;
/** zoompan crops at whole input pixels; rendering from a 2× upscale halves the visible jitter. */
const ZOOMPAN_OVERSAMPLE = 2;
/** How far the Ken Burns move zooms (0.12 = 12 %): slow enough to read the text. */
const KEN_BURNS_ZOOM = 0.12;

/** Creates the offline ffmpeg-based provider. */
export function createDraftProvider(options: DraftProviderOptions = {}): MediaProvider {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    name: "draft",
    generateImage: (request) => generateImage(request, timeoutMs),
    imageToVideo: (request) => imageToVideo(request, timeoutMs),
  };
}

async function generateImage(request: ImageRequest, timeoutMs: number): Promise<GeneratedMedia> {
  const { width, height, signal } = request;
  checkSize(width, height, false);
  signal.throwIfAborted();
  request.onProgress?.(0);
  const font = fontPath();
  const rng = seededRandom(`${request.seed}\u0000${request.prompt}`);
  const layout = layoutText(cleanPrompt(request.prompt), width, height);
  const textDir = await Deno.makeTempDir({ prefix: "studio-draft-" });
  const part = partPath(request.outPath, "png");
  try {
    // Each line goes through a text file with expansion off: no prompt character can break the graph.
    const lineFiles = await Promise.all(layout.lines.map(async (line, i) => {
      const file = join(textDir, `line-${i}.txt`);
      await Deno.writeTextFile(file, line);
      return file;
    }));
    const filters = [
      backgroundFilter(rng, width, height),
      `drawbox=${
        opts({ x: layout.box.x, y: layout.box.y, w: layout.box.w, h: layout.box.h, color: "black@0.35", t: "fill" })
      }`,
      ...lineFiles.map((file, i) =>
        `drawtext=${
          opts({
            fontfile: font,
            textfile: file,
            expansion: "none",
            fontsize: layout.fontSize,
            fontcolor: "white",
            shadowcolor: "black@0.55",
            shadowx: Math.max(1, Math.round(layout.fontSize / 24)),
            shadowy: Math.max(1, Math.round(layout.fontSize / 24)),
            x: "(w-text_w)/2",
            // Place each baseline explicitly so lines line up whatever glyphs they hold.
            y: `${layout.baselines[i]}-ascent`,
          })
        }`
      ),
      `drawtext=${
        opts({
          fontfile: font,
          text: "draft preview",
          fontsize: Math.max(10, Math.round(Math.min(width, height) / 36)),
          fontcolor: "white@0.7",
          x: `w-text_w-${Math.round(width * 0.02)}`,
          y: `h-text_h-${Math.round(height * 0.02)}`,
        })
      }`,
      "format=rgb24",
    ];
    await runFfmpeg([
      "-loglevel",
      "error",
      ...lavfiInput(`color=c=black:s=${backgroundSize(width, height)}:d=1`),
      "-filter_complex",
      filters.join(","),
      ...pngFileOutput(part),
    ], { signal, timeoutMs, task: "render the draft image" });
    await checkWritten(part, "image");
    await Deno.rename(part, request.outPath);
    request.onProgress?.(1);
    return { path: request.outPath, mimeType: "image/png" };
  } finally {
    await removeQuietly(part);
    await Deno.remove(textDir, { recursive: true }).catch(() => {});
  }
}

async function imageToVideo(request: VideoRequest, timeoutMs: number): Promise<GeneratedMedia> {
  const { width, height, signal } = request;
  checkSize(width, height, true);
  const seconds = positiveOr(request.seconds, DEFAULT_SECONDS);
  const fps = positiveOr(request.fps, DEFAULT_FPS);
  if (seconds > 120 || fps > 120) {
    throw new ProviderError(
      `A draft clip can be at most 120 s at 120 fps; ${seconds} s at ${fps} fps was asked for.`,
      { transient: false },
    );
  }
  signal.throwIfAborted();
  try {
    if (!(await Deno.stat(request.image)).isFile) throw new Error("not a file");
  } catch {
    throw new ProviderError(
      `The source image ${request.image} does not exist, so it cannot be animated. Generate the image again.`,
      { transient: false },
    );
  }
  request.onProgress?.(0);
  const frames = Math.max(1, Math.round(seconds * fps));
  const motion = kenBurns(seededRandom(`${request.seed}\u0000${request.prompt}`), frames);
  const bigW = width * ZOOMPAN_OVERSAMPLE;
  const bigH = height * ZOOMPAN_OVERSAMPLE;
  const filters = [
    `scale=${bigW}:${bigH}:force_original_aspect_ratio=increase`,
    `crop=${bigW}:${bigH}`,
    `zoompan=${opts({ z: motion.z, x: motion.x, y: motion.y, d: frames, s: `${width}x${height}`, fps })}`,
    "setsar=1",
    "format=yuv420p",
  ];
  const part = partPath(request.outPath, "mp4");
  try {
    await runFfmpeg([
      "-loglevel",
      "error",
      "-f",
      "image2",
      "-pattern_type",
      "none",
      "-i",
      `file:${request.image}`,
      "-filter_complex",
      filters.join(","),
      "-frames:v",
      String(frames),
      "-an",
      ...h264VideoArgs({ preset: "veryfast", crf: 23, keyframeInterval: Math.max(1, Math.round(fps * 2)) }),
      ...mp4FileOutput(part),
    ], {
      signal,
      timeoutMs,
      task: "render the draft video",
      onProgress: request.onProgress ? ({ frame }) => request.onProgress?.(Math.min(0.99, frame / frames)) : undefined,
    });
    await checkWritten(part, "video");
    await Deno.rename(part, request.outPath);
    request.onProgress?.(1);
    return { path: request.outPath, mimeType: "video/mp4" };
  } finally {
    await removeQuietly(part);
  }
}

// ---------------------------------------------------------------------------------------------
// Picture

/** A 4-corner gradient with a soft diagonal wave, rendered tiny and scaled up (fast and smooth). */
function backgroundFilter(rng: () => number, width: number, height: number): string {
  const hue = rng() * 360;
  const spread = 30 + rng() * 60;
  const corners = [
    hsl(hue, 0.55 + rng() * 0.2, 0.32 + rng() * 0.1),
    hsl(hue + spread, 0.5 + rng() * 0.25, 0.42 + rng() * 0.12),
    hsl(hue - spread, 0.5 + rng() * 0.25, 0.38 + rng() * 0.12),
    hsl(hue + 150 + rng() * 60, 0.45 + rng() * 0.25, 0.5 + rng() * 0.12),
  ];
  const fx = (1 + rng() * 2).toFixed(3);
  const fy = (1 + rng() * 2).toFixed(3);
  const phase = (rng() * Math.PI * 2).toFixed(3);
  const channel = (c: 0 | 1 | 2) => {
    const [a, b, cc, d] = corners.map((rgb) => rgb[c]);
    return `clip((${a}*(W-X)*(H-Y)+${b}*X*(H-Y)+${cc}*(W-X)*Y+${d}*X*Y)/(W*H)` +
      `+18*sin(2*PI*(${fx}*X/W+${fy}*Y/H)+${phase}),0,255)`;
  };
  return `geq=${opts({ r: channel(0), g: channel(1), b: channel(2) })},scale=${width}:${height}:flags=bicubic`;
}

function backgroundSize(width: number, height: number): string {
  const long = 96;
  const scale = long / Math.max(width, height);
  return `${Math.max(2, Math.round(width * scale))}x${Math.max(2, Math.round(height * scale))}`;
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const hue = ((h % 360) + 360) % 360;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = hue < 60
    ? [c, x, 0]
    : hue < 120
    ? [x, c, 0]
    : hue < 180
    ? [0, c, x]
    : hue < 240
    ? [0, x, c]
    : hue < 300
    ? [x, 0, c]
    : [c, 0, x];
  return [r, g, b].map((v) => Math.round((v + m) * 255)) as [number, number, number];
}

// ---------------------------------------------------------------------------------------------
// Text

/** Where the prompt's lines go and how big. Exported for tests. */
export interface TextLayout {
  lines: string[];
  fontSize: number;
  baselines: number[];
  box: { x: number; y: number; w: number; h: number };
}

/**
 * Prepares a prompt for drawing: one paragraph, NFC, no control characters, and no emoji (the
 * bundled font has none, they would show as empty boxes). Exported for tests.
 */
export function cleanPrompt(prompt: string): string {
  const text = prompt.normalize("NFC")
    .replace(/\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F\u20E3\u200D]/gu, "")
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text || "(no prompt)";
}

/**
 * Wraps `text` into centred lines that fit a `width`×`height` picture, shrinking the font for long
 * prompts down to a readable minimum and cutting the rest with "…". Exported for tests.
 */
export function layoutText(text: string, width: number, height: number): TextLayout {
  const short = Math.min(width, height);
  const maxTextWidth = width * 0.84;
  const maxTextHeight = height * 0.8;
  const largest = Math.max(12, Math.round(short / 14));
  const smallest = Math.max(10, Math.round(short / 32));
  let fontSize = largest;
  let lines: string[] = [];
  for (;; fontSize = Math.max(smallest, Math.floor(fontSize * 0.88))) {
    const lineHeight = fontSize * 1.35;
    const maxLines = Math.max(1, Math.floor(maxTextHeight / lineHeight));
    lines = wrap(text, maxTextWidth / fontSize);
    if (lines.length <= maxLines) break;
    if (fontSize === smallest) {
      lines = lines.slice(0, maxLines);
      lines[maxLines - 1] = ellipsize(lines[maxLines - 1], maxTextWidth / fontSize);
      break;
    }
  }
  const lineHeight = Math.round(fontSize * 1.35);
  const blockHeight = lines.length * lineHeight;
  const top = Math.round((height - blockHeight) / 2);
  // Baseline a third of an em below the line's middle centres DejaVu Sans' capitals and x-height.
  const baselines = lines.map((_, i) => top + i * lineHeight + Math.round(lineHeight / 2 + fontSize * 0.33));
  const textWidth = Math.min(maxTextWidth, Math.max(...lines.map((l) => emWidth(l))) * fontSize);
  const padX = Math.round(fontSize * 0.8);
  const padY = Math.round(fontSize * 0.5);
  const boxW = Math.min(width, Math.round(textWidth) + 2 * padX);
  const boxH = Math.min(height, blockHeight + 2 * padY);
  return {
    lines,
    fontSize,
    baselines,
    box: { x: Math.round((width - boxW) / 2), y: Math.max(0, top - padY), w: boxW, h: boxH },
  };
}

/** Greedy word wrap by estimated width (in em); words longer than a line are split. */
function wrap(text: string, maxEm: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    for (const piece of splitLong(word, maxEm)) {
      const candidate = line ? `${line} ${piece}` : piece;
      if (!line || emWidth(candidate) <= maxEm) line = candidate;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  if (line) lines.push(line);
  return lines;
}

function splitLong(word: string, maxEm: number): string[] {
  if (emWidth(word) <= maxEm) return [word];
  const pieces: string[] = [];
  let piece = "";
  for (const ch of word) {
    if (piece && emWidth(piece + ch) > maxEm) {
      pieces.push(piece);
      piece = "";
    }
    piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

function ellipsize(line: string, maxEm: number): string {
  let chars = [...line];
  while (chars.length > 0 && emWidth(`${chars.join("")}…`) > maxEm) chars = chars.slice(0, -1);
  return `${chars.join("").trimEnd()}…`;
}

/** Approximate advance width of `text` in DejaVu Sans, in em (a little generous on purpose). */
function emWidth(text: string): number {
  let em = 0;
  for (const ch of text) {
    if (ch === " ") em += 0.32;
    else if (/[iljtfrI.,:;'!|()[\]{}`]/.test(ch)) em += 0.36;
    else if (/[mwMW@%]/.test(ch)) em += 1.0;
    else if (/[A-Z0-9]/.test(ch) || /\p{Lu}/u.test(ch)) em += 0.72;
    else if (
      /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\u{20000}-\u{3FFFD}]/u.test(ch)
    ) {
      em += 1.0;
    } else em += 0.62;
  }
  return em;
}

// ---------------------------------------------------------------------------------------------
// Motion

/** zoompan expressions for one of a few slow camera moves, chosen by the seed and prompt. */
function kenBurns(rng: () => number, frames: number): { z: string; x: string; y: string } {
  const p = `(on/${Math.max(1, frames - 1)})`;
  const z0 = 1 + KEN_BURNS_ZOOM;
  const centreX = "(iw-iw/zoom)/2";
  const centreY = "(ih-ih/zoom)/2";
  const fx = (0.2 + rng() * 0.6).toFixed(3);
  const fy = (0.2 + rng() * 0.6).toFixed(3);
  const moves = [
    { z: `1+${KEN_BURNS_ZOOM}*${p}`, x: centreX, y: centreY }, // zoom in
    { z: `${z0}-${KEN_BURNS_ZOOM}*${p}`, x: centreX, y: centreY }, // zoom out
    { z: `${z0}`, x: `(iw-iw/zoom)*${p}`, y: centreY }, // pan to the right
    { z: `${z0}`, x: `(iw-iw/zoom)*(1-${p})`, y: centreY }, // pan to the left
    { z: `${z0}`, x: centreX, y: `(ih-ih/zoom)*${p}` }, // pan down
    { z: `${z0}`, x: centreX, y: `(ih-ih/zoom)*(1-${p})` }, // pan up
    { z: `1+${KEN_BURNS_ZOOM}*${p}`, x: `(iw-iw/zoom)*${fx}`, y: `(ih-ih/zoom)*${fy}` }, // zoom to a point
  ];
  return moves[Math.floor(rng() * moves.length)];
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** `key=value:key=value` with every value escaped for the filtergraph. */
function checkSize(width: number, height: number, video: boolean): void {
  const ok = (n: number) => Number.isInteger(n) && n >= MIN_SIDE && n <= MAX_SIDE && (!video || n % 2 === 0);
  if (!ok(width) || !ok(height)) {
    throw new ProviderError(
      `The draft provider cannot render ${width}×${height}: width and height must be whole numbers from ${MIN_SIDE} to ${MAX_SIDE}` +
        `${video ? " and even (H.264 needs it)" : ""}.`,
      { transient: false },
    );
  }
}

function positiveOr(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * ffmpeg's image and MP4 writers exit 0 when the disk fills up, leaving an empty or cut-off file
 * (seen: 0-byte and truncated PNGs marked done). Check the structure before the rename; a broken
 * file is a transient failure (free space, and the retry works). The engine decodes it again.
 */
async function checkWritten(path: string, kind: "image" | "video"): Promise<void> {
  const problem = await validateMediaFile(path, kind, { decodeVideo: false });
  if (problem) {
    throw new ProviderError(`${problem} The media disk may be full; the scene will be tried again.`, {
      transient: true,
    });
  }
}

/** A hidden temporary name next to `outPath`, renamed over it when the render is complete. */
function partPath(outPath: string, ext: string): string {
  const random = crypto.randomUUID().slice(0, 8);
  return join(dirname(outPath), `.${basename(outPath)}.${random}.part.${ext}`);
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch {
    // Already renamed or never written.
  }
}

/** A deterministic PRNG (FNV-1a hash of `key` seeding mulberry32). */
function seededRandom(key: string): () => number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
