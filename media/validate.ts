/**
 * Checks a generated file before its scene part may be marked done. A full or failing disk let
 * providers (ffmpeg among them) finish "successfully" with an empty or cut-off file; a part marked
 * done with such a file shows a broken picture and makes every later video of it fail. So every
 * output is checked: not empty, the right signature, and a structure that holds together:
 *
 * - PNG: every chunk complete with a correct CRC, IHDR first, IEND last, and the IDAT stream
 *   inflates (node:zlib) to exactly the bytes the header promises (a full decode of the pixels'
 *   storage; filters are not replayed, they cannot fail).
 * - MP4 / M4A (ISO-BMFF): the top-level boxes tile the file exactly, `ftyp` first, `moov` and
 *   `mdat` present. A video is then decoded by the project's ffmpeg (`-xerror`, every frame): a
 *   4 s 720p draft clip took 0.35–0.5 s here (a 1280×720 draft PNG 20–60 ms), and damage inside
 *   `mdat` is only found that way.
 * - WAV: the RIFF chunks tile the file, `fmt ` and `data` present. MP3: an ID3 tag or a frame sync.
 *
 * Problems are sentences about "the generated image/video/audio", never naming server paths.
 */
import { inflateSync } from "node:zlib";
import { ffmpegPath } from "../providers/ffmpeg.ts";
import { concatBytes, crc32, PNG_SIGNATURE } from "./png_chunks.ts";

/** What a file is meant to be. */
export type MediaKind = "image" | "video" | "audio";

/** Formats {@link sniffFormat} recognises. */
export type MediaFormat = "png" | "mp4" | "m4a" | "wav" | "mp3";

const EXPECTED: Record<MediaKind, MediaFormat[]> = {
  image: ["png"],
  video: ["mp4"],
  // AAC narration is an MPEG-4 file whose brand may be M4A or plain MP4 (ffmpeg writes "isom").
  audio: ["wav", "mp3", "m4a", "mp4"],
};

/** The format of `bytes` from its first bytes, or null when none of {@link MediaFormat} fits. */
export function sniffFormat(bytes: Uint8Array): MediaFormat | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return "png";
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === "ftyp") {
    const brand = ascii(bytes, 8, 12);
    return brand === "M4A " || brand === "M4B " ? "m4a" : "mp4";
  }
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WAVE") return "wav";
  if (bytes.length >= 3 && ascii(bytes, 0, 3) === "ID3") return "mp3";
  if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) return "mp3";
  return null;
}

/**
 * Checks the bytes of a generated file (pure; no decode by ffmpeg). Returns null when they hold
 * together, else a sentence saying what is wrong.
 *
 * @example
 * inspectMedia(await Deno.readFile(path), "image") // null, or "The generated image is cut off: …"
 */
export function inspectMedia(bytes: Uint8Array, kind: MediaKind): string | null {
  if (bytes.length === 0) return `The generated ${kind} is empty (0 bytes).`;
  const format = sniffFormat(bytes);
  if (!format || !EXPECTED[kind].includes(format)) {
    const wanted = EXPECTED[kind].map((f) => f.toUpperCase()).join(" or ");
    const article = /^[AEFHILMNORSX]/.test(wanted) ? "an" : "a"; // "an MP4", "a PNG"
    const looks = format ? ` (it looks like ${format.toUpperCase()})` : "";
    return `The generated ${kind} is not ${article} ${wanted} file${looks}.`;
  }
  const problem = format === "png"
    ? inspectPng(bytes)
    : format === "mp4" || format === "m4a"
    ? inspectIsoBmff(bytes, kind === "video" ? "video" : "audio")
    : format === "wav"
    ? inspectWav(bytes)
    : null; // MP3 has no container to walk; the signature is what can be checked cheaply.
  return problem && `The generated ${kind} ${problem}`;
}

/** Options of {@link validateMediaFile}. */
export interface ValidateOptions {
  /** Decode a video with ffmpeg after the structural check (default true). */
  decodeVideo?: boolean;
  /** Stops a running decode. */
  signal?: AbortSignal;
}

/**
 * Reads `path` and checks it as a `kind` (see the module notes); videos are also decoded by ffmpeg.
 * Returns null when the file is good, else a sentence for the creator. A file that cannot be read
 * at all throws (that is an I/O fault for core/system/faults.ts, not a bad file).
 */
export async function validateMediaFile(
  path: string,
  kind: MediaKind,
  options: ValidateOptions = {},
): Promise<string | null> {
  const bytes = await Deno.readFile(path);
  const problem = inspectMedia(bytes, kind);
  if (problem || kind !== "video" || options.decodeVideo === false) return problem;
  return await decodeProblem(path, kind, options.signal);
}

/** Decodes every frame with ffmpeg; null when it decodes cleanly, else a sentence (no paths). */
async function decodeProblem(path: string, kind: MediaKind, signal?: AbortSignal): Promise<string | null> {
  const out = await new Deno.Command(ffmpegPath(), {
    args: ["-hide_banner", "-nostdin", "-v", "error", "-xerror", "-i", `file:${path}`, "-f", "null", "-"],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal,
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (out.success && stderr === "") return null;
  const line = stderr.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? `ffmpeg exited with code ${out.code}`;
  const detail = line.replaceAll(`file:${path}`, "the file").replaceAll(path, "the file").replace(/\.$/, "");
  return `The generated ${kind} cannot be decoded: ${detail}.`;
}

// ---------------------------------------------------------------------------------------------
// PNG

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function inspectPng(bytes: Uint8Array): string | null {
  const view = viewOf(bytes);
  let offset = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | null = null;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) return `is cut off: a chunk header at byte ${offset} is incomplete.`;
    const length = view.getUint32(offset);
    const type = ascii(bytes, offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) {
      return `is cut off: its ${type} chunk needs ${length} bytes but the file ends ${end - bytes.length} bytes early.`;
    }
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) {
      return `is damaged: the checksum of its ${type} chunk at byte ${offset} does not match.`;
    }
    if (!header && type !== "IHDR") return "is damaged: it does not start with an IHDR chunk.";
    if (type === "IHDR") {
      if (length !== 13) return "is damaged: its IHDR chunk is not 13 bytes long.";
      const h = viewOf(data);
      header = { width: h.getUint32(0), height: h.getUint32(4), depth: data[8], colour: data[9], interlace: data[12] };
      if (!header.width || !header.height || !(header.colour in CHANNELS)) {
        return `is damaged: its header describes an impossible ${header.width}×${header.height} picture.`;
      }
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") {
      ended = true;
      break;
    }
    offset = end;
  }
  if (!ended) return "is cut off: it has no IEND chunk, so the file ends before the picture does.";
  if (idat.length === 0) return "is damaged: it holds no image data (IDAT).";
  let raw: Uint8Array;
  try {
    raw = inflateSync(concatBytes(idat));
  } catch {
    return "is damaged: its compressed image data cannot be inflated.";
  }
  const expected = header!.interlace ? adam7Bytes(header!) : scanlineBytes(header!, header!.width, header!.height);
  if (raw.length !== expected) {
    return `is damaged: its image data holds ${raw.length} bytes where ${header!.width}×${
      header!.height
    } pixels need ${expected}.`;
  }
  return null;
}

function scanlineBytes(h: { depth: number; colour: number }, width: number, height: number): number {
  if (width === 0 || height === 0) return 0;
  return height * (1 + Math.ceil((width * CHANNELS[h.colour] * h.depth) / 8));
}

/** Bytes of an interlaced (Adam7) image: seven reduced images, each with its own filter bytes. */
function adam7Bytes(h: { width: number; height: number; depth: number; colour: number }): number {
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((h.width - x0) / dx);
    const hh = Math.ceil((h.height - y0) / dy);
    total += scanlineBytes(h, Math.max(0, w), Math.max(0, hh));
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// ISO-BMFF (MP4, M4A) and WAV

function inspectIsoBmff(bytes: Uint8Array, what: "video" | "audio"): string | null {
  const view = viewOf(bytes);
  const seen = new Set<string>();
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) return `is cut off: a box header at byte ${offset} is incomplete.`;
    let size = view.getUint32(offset);
    const type = ascii(bytes, offset + 4, offset + 8);
    if (size === 1) {
      if (offset + 16 > bytes.length) return `is cut off: the ${type} box header is incomplete.`;
      size = Number(view.getBigUint64(offset + 8));
    } else if (size === 0) size = bytes.length - offset;
    if (size < 8) return `is damaged: its ${printable(type)} box at byte ${offset} has an impossible size.`;
    if (offset + size > bytes.length) {
      return `is cut off: its ${type} box needs ${size} bytes but the file ends ${
        offset + size - bytes.length
      } bytes early.`;
    }
    seen.add(type);
    offset += size;
  }
  if (!seen.has("moov")) return `is cut off or damaged: it has no moov box (the ${what}'s index).`;
  if (!seen.has("mdat")) return `is damaged: it has no mdat box (the ${what}'s data).`;
  return null;
}

function inspectWav(bytes: Uint8Array): string | null {
  const view = viewOf(bytes);
  const declared = view.getUint32(4, true) + 8;
  if (declared > bytes.length) return `is cut off: it declares ${declared} bytes but has ${bytes.length}.`;
  const seen = new Set<string>();
  for (let offset = 12; offset < declared;) {
    if (offset + 8 > bytes.length) return `is cut off: a chunk header at byte ${offset} is incomplete.`;
    const size = view.getUint32(offset + 4, true);
    const type = ascii(bytes, offset, offset + 4);
    if (offset + 8 + size > bytes.length) return `is cut off: its ${printable(type)} chunk runs past the end.`;
    seen.add(type);
    offset += 8 + size + (size % 2);
  }
  if (!seen.has("fmt ") || !seen.has("data")) return "is damaged: it lacks its fmt or data chunk.";
  return null;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : "unnamed";
}
