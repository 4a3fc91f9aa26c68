import assert from "node:assert/strict";
import { sniffKind } from "./sniff.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p));

const cases: [string, Uint8Array, string][] = [
  ["WAV", bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt "), "wav"],
  ["RIFF that is not WAVE (AVI)", bytes("RIFF", [0, 0, 0, 0], "AVI LIST"), "unknown"],
  ["M4A", bytes([0, 0, 0, 0x20], "ftypM4A ", [0, 0, 0, 0]), "m4a"],
  ["MP3 with an ID3 tag", bytes("ID3", [4, 0, 0, 0, 0, 0, 0]), "mp3"],
  ["MP3 frame, MPEG-1 layer III 128 kb/s 44.1 kHz", bytes([0xff, 0xfb, 0x90, 0x64]), "mp3"],
  ["MPEG sync with a reserved version", bytes([0xff, 0xe9, 0x90, 0x64]), "unknown"],
  ["MPEG sync with a bad bitrate", bytes([0xff, 0xfb, 0xf0, 0x64]), "unknown"],
  ["Ogg", bytes("OggS", [0, 2]), "ogg"],
  ["FLAC", bytes("fLaC", [0, 0, 0, 0x22]), "flac"],
  ["WebM", bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), "webm"],
  ["AIFF", bytes("FORM", [0, 0, 0, 0], "AIFFCOMM"), "aiff"],
  ["PNG", bytes([0x89], "PNG", [0x0d, 0x0a, 0x1a, 0x0a]), "png"],
  ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0]), "jpeg"],
  ["PDF", bytes("%PDF-1.7\n"), "pdf"],
  ["ZIP", bytes("PK", [3, 4, 20, 0]), "zip"],
  ["plain text", bytes("Once upon a time, a keeper.\n"), "text"],
  ["UTF-8 text", new TextEncoder().encode("Ça va — très bien.\n"), "text"],
  ["random binary", new Uint8Array([0, 1, 2, 3, 200, 201, 5, 0, 9]), "unknown"],
  ["nothing", new Uint8Array(0), "unknown"],
];
for (const [name, head, want] of cases) {
  Deno.test(`sniff: ${name} → ${want}`, () => assert.equal(sniffKind(head), want));
}
