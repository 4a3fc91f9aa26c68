/**
 * The `simulated` provider, for tests, benchmarks and demos: it waits a configurable time, then
 * writes tiny but valid media (a flat-colour PNG of the requested size, a 4 s H.264 MP4 clip), and
 * fails on request through markers in the prompt:
 *
 * - `[fail]`  fails permanently (after the wait), like an invalid prompt or a missing model;
 * - `[flaky]` fails attempt 1 with a transient error (after the wait); attempt 2 and later succeed;
 * - `[slow]`  takes ten times as long.
 *
 * Markers are matched case-insensitively in the prompt of that request (image prompt for images,
 * video prompt for videos). A delay of 0 ms means no timer at all, so per-job overhead benchmarks
 * measure the engine and nothing else. The wait honours the AbortSignal at once.
 */
import { deflateSync } from "node:zlib";
import { dirname, join } from "node:path";
import { concatBytes, PNG_SIGNATURE, pngChunk } from "../media/png_chunks.ts";
import { decodeBase64 } from "./fixtures/base64.ts";
import { LANDSCAPE_MP4_BASE64, PORTRAIT_MP4_BASE64 } from "./fixtures/simulated_media.ts";
import type { GeneratedMedia, ImageRequest, MediaProvider, VideoRequest } from "./types.ts";
import { ProviderError } from "./types.ts";

/** Options of {@link createSimulatedProvider}. */
export interface SimulatedProviderOptions {
  /** How long an image takes, in ms (0 = immediately). Default 0. */
  imageMs?: number;
  /** How long a video takes, in ms (0 = immediately). Default 0. */
  videoMs?: number;
}

/** How much longer a prompt with `[slow]` takes. */
export const SLOW_FACTOR = 10;

const LANDSCAPE_MP4 = decodeBase64(LANDSCAPE_MP4_BASE64);
const PORTRAIT_MP4 = decodeBase64(PORTRAIT_MP4_BASE64);

/** Creates the simulated provider; see the module documentation for the prompt markers. */
export function createSimulatedProvider(options: SimulatedProviderOptions = {}): MediaProvider {
  const imageMs = checkMs(options.imageMs ?? 0, "imageMs");
  const videoMs = checkMs(options.videoMs ?? 0, "videoMs");
  return {
    name: "simulated",
    async generateImage(request: ImageRequest): Promise<GeneratedMedia> {
      await simulateWork(request, imageMs);
      await writeAtomically(request.outPath, cachedPng(request.width, request.height, promptColour(request.prompt)));
      request.onProgress?.(1);
      return { path: request.outPath, mimeType: "image/png" };
    },
    async imageToVideo(request: VideoRequest): Promise<GeneratedMedia> {
      await simulateWork(request, videoMs);
      await writeAtomically(request.outPath, request.height > request.width ? PORTRAIT_MP4 : LANDSCAPE_MP4);
      request.onProgress?.(1);
      return { path: request.outPath, mimeType: "video/mp4" };
    },
  };
}

/**
 * Waits `baseMs` (×10 for `[slow]`), then applies `[fail]` and `[flaky]` found in `request.prompt`.
 * Shared with the simulated narration provider, whose "prompt" is the sentence text; `where` names
 * it in the failure messages ("prompt", "sentence").
 */
export async function simulateWork(
  request: { prompt: string; attempt: number; signal: AbortSignal; onProgress?: (f: number) => void },
  baseMs: number,
  where = "prompt",
): Promise<void> {
  const { prompt, signal } = request;
  signal.throwIfAborted();
  const ms = hasMarker(prompt, "slow") ? baseMs * SLOW_FACTOR : baseMs;
  if (ms > 0) {
    request.onProgress?.(0);
    await wait(ms, signal, request.onProgress);
  }
  if (hasMarker(prompt, "fail")) {
    throw new ProviderError(
      `The simulated provider was asked to fail by the [fail] marker in the ${where}. Remove the marker and retry.`,
      { transient: false },
    );
  }
  if (hasMarker(prompt, "flaky") && request.attempt <= 1) {
    throw new ProviderError(
      `The simulated provider failed this first attempt on purpose (the [flaky] marker in the ${where}); a retry will succeed.`,
      { transient: true },
    );
  }
}

function hasMarker(prompt: string, marker: "fail" | "flaky" | "slow"): boolean {
  return prompt.toLowerCase().includes(`[${marker}]`);
}

/**
 * Resolves after `ms`, reporting progress about ten times; rejects with `signal.reason` the moment
 * the signal aborts, clearing its timers.
 */
function wait(ms: number, signal: AbortSignal, onProgress?: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const ticker = onProgress
      ? setInterval(() => {
        try {
          onProgress(Math.min(0.99, (performance.now() - started) / ms));
        } catch {
          // A failing progress callback must not break the job.
        }
      }, Math.max(50, ms / 10))
      : undefined;
    const done = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal.reason ?? new DOMException("The operation was aborted.", "AbortError"));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `value` when it is a valid delay in ms (finite, ≥ 0); throws a sentence naming `name` otherwise. */
export function checkMs(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`The simulated provider's ${name} must be a number of milliseconds ≥ 0, not ${value}.`);
  }
  return value;
}

/** Writes a temporary file next to `path` and renames it, so readers never see a partial file. */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const part = join(dirname(path), `.${crypto.randomUUID().slice(0, 8)}.part`);
  try {
    await Deno.writeFile(part, bytes);
    await Deno.rename(part, path);
  } catch (error) {
    await Deno.remove(part).catch(() => {});
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// PNG

/** A colour derived from the prompt (FNV-1a hash → hue), mid-light so white text would read on it. */
export function promptColour(prompt: string): [number, number, number] {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(prompt)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  const hue = (h >>> 0) % 360;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (0.45 - 0.3 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

const pngCache = new Map<string, Uint8Array>();

/** Encoding is ~1 ms for 1280×720; zero-delay benchmarks measure the engine, so reuse the bytes. */
function cachedPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const key = `${width}x${height}#${rgb.join(",")}`;
  let png = pngCache.get(key);
  if (!png) {
    png = encodeFlatPng(width, height, rgb);
    if (pngCache.size >= 256) pngCache.clear();
    pngCache.set(key, png);
  }
  return png;
}

/**
 * Encodes a valid PNG of `width`×`height` in one colour with a darker band across the middle, as a
 * 1-bit palette image: a 1280×720 picture is a few hundred bytes. Checked by ffmpeg in the tests.
 */
export function encodeFlatPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 64e6) {
    throw new ProviderError(
      `The simulated provider cannot make a ${width}×${height} image: width and height must be positive whole numbers.`,
      { transient: false },
    );
  }
  const stride = Math.ceil(width / 8);
  const raw = new Uint8Array((stride + 1) * height); // filter byte 0 (None) + bits, palette index 0
  const bandTop = Math.floor(height * 0.4);
  const bandBottom = Math.ceil(height * 0.6);
  for (let y = bandTop; y < bandBottom; y++) raw.fill(0xff, y * (stride + 1) + 1, (y + 1) * (stride + 1));
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([1, 3, 0, 0, 0], 8); // bit depth 1, colour type 3 (palette), deflate, filter 0, no interlace
  const dark = rgb.map((c) => Math.round(c * 0.7));
  return concatBytes([
    new Uint8Array(PNG_SIGNATURE),
    pngChunk("IHDR", ihdr),
    pngChunk("PLTE", new Uint8Array([...rgb, ...dark])),
    pngChunk("IDAT", new Uint8Array(deflateSync(raw, { level: 9 }))),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}
