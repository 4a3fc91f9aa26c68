/**
 * What kind of file some bytes are, from their first bytes (pure) — never from the file name. Used
 * to accept an uploaded recording only when it really is MP3, WAV or M4A, and to tell a creator
 * what they sent otherwise ("a PNG image", "an Ogg file").
 */

/** A recognised kind of file. The first three are the recording formats uploads accept. */
export type SniffedKind =
  | "mp3"
  | "wav"
  | "m4a"
  | "ogg"
  | "flac"
  | "webm"
  | "aiff"
  | "png"
  | "jpeg"
  | "gif"
  | "pdf"
  | "zip"
  | "text"
  | "unknown";

/** Recording formats an upload may be in. */
export const ACCEPTED_RECORDING_KINDS: readonly SniffedKind[] = ["mp3", "wav", "m4a"];

/** How each kind is named to a creator. */
export const KIND_NAMES: Record<SniffedKind, string> = {
  mp3: "an MP3 recording",
  wav: "a WAV recording",
  m4a: "an M4A (MP4 audio) recording",
  ogg: "an Ogg file",
  flac: "a FLAC file",
  webm: "a WebM or Matroska file",
  aiff: "an AIFF file",
  png: "a PNG image",
  jpeg: "a JPEG image",
  gif: "a GIF image",
  pdf: "a PDF document",
  zip: "a ZIP archive (or an Office document)",
  text: "a text file",
  unknown: "a file of an unknown kind",
};

/**
 * The kind of a file from its first bytes (64 are plenty).
 *
 * @example
 * sniffKind(new TextEncoder().encode("ID3\x04…")) // "mp3"
 */
export function sniffKind(head: Uint8Array): SniffedKind {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "wav";
  if (head.length >= 12 && ascii(4, 8) === "ftyp") return "m4a";
  if (ascii(0, 3) === "ID3" || isMpegAudioFrame(head)) return "mp3";
  if (ascii(0, 4) === "OggS") return "ogg";
  if (ascii(0, 4) === "fLaC") return "flac";
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return "webm";
  if (ascii(0, 4) === "FORM" && ["AIFF", "AIFC"].includes(ascii(8, 12))) return "aiff";
  if (head.length >= 8 && head[0] === 0x89 && ascii(1, 4) === "PNG") return "png";
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (ascii(0, 4) === "GIF8") return "gif";
  if (ascii(0, 5) === "%PDF-") return "pdf";
  if (ascii(0, 4) === "PK\x03\x04") return "zip";
  if (looksLikeText(head)) return "text";
  return "unknown";
}

/** An MPEG audio frame header: 11 sync bits, a valid version and layer, a valid bitrate and rate. */
function isMpegAudioFrame(head: Uint8Array): boolean {
  if (head.length < 4 || head[0] !== 0xff || (head[1] & 0xe0) !== 0xe0) return false;
  const version = (head[1] >> 3) & 0x03;
  const layer = (head[1] >> 1) & 0x03;
  const bitrate = (head[2] >> 4) & 0x0f;
  const rate = (head[2] >> 2) & 0x03;
  return version !== 1 && layer !== 0 && bitrate !== 0x0f && rate !== 0x03;
}

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
  const printable = [...text].filter((c) => c === "\n" || c === "\r" || c === "\t" || c >= " ").length;
  return !text.includes("\ufffd") && !text.includes("\0") && printable / [...text].length > 0.95;
}
