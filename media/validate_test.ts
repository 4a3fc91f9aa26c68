import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { encodeFlatPng } from "../providers/simulated.ts";
import { decodeBase64 } from "../providers/fixtures/base64.ts";
import { LANDSCAPE_MP4_BASE64 } from "../providers/fixtures/simulated_media.ts";
import { inspectMedia, sniffFormat, validateMediaFile } from "./validate.ts";

const PNG = encodeFlatPng(64, 48, [200, 100, 50]);
const MP4 = decodeBase64(LANDSCAPE_MP4_BASE64);

/** Recomputes nothing: flips one byte, so the structure stays and the content is wrong. */
function flip(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] ^= 0xff;
  return copy;
}

/** Offset of a chunk/box type in `bytes`. */
function find(bytes: Uint8Array, type: string): number {
  const text = String.fromCharCode(...bytes);
  const i = text.indexOf(type);
  assert.ok(i >= 0, `${type} found`);
  return i;
}

/** A PNG whose IDAT inflates to fewer bytes than its header promises (valid CRCs). */
function shortIdatPng(): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    let c = 0xffffffff;
    for (const b of out.subarray(4, 8 + data.length)) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    view.setUint32(8 + data.length, (c ^ 0xffffffff) >>> 0);
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 10);
  new DataView(ihdr.buffer).setUint32(4, 10);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    PNG.subarray(0, 8),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(new Uint8Array(5 * 31)))), // 5 of 10 rows
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), o += p.length);
  return out;
}

const wav = (() => {
  const data = new Uint8Array(100);
  const out = new Uint8Array(44 + data.length);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode("RIFF"), 0);
  v.setUint32(4, 36 + data.length, true);
  out.set(new TextEncoder().encode("WAVEfmt "), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, 8000, true);
  v.setUint32(28, 16000, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  out.set(new TextEncoder().encode("data"), 36);
  v.setUint32(40, data.length, true);
  return out;
})();

Deno.test("inspectMedia: good files pass, broken ones get a sentence saying what is wrong", async (t) => {
  const cases: [string, Uint8Array, "image" | "video" | "audio", RegExp | null][] = [
    ["a good PNG", PNG, "image", null],
    ["an empty file", new Uint8Array(0), "image", /^The generated image is empty \(0 bytes\)\.$/],
    ["an MP4 where a PNG belongs", MP4, "image", /is not a PNG file \(it looks like MP4\)/],
    ["random bytes", new Uint8Array(200).fill(7), "video", /is not an MP4 file\.$/],
    ["a PNG cut after its signature", PNG.subarray(0, 20), "image", /cut off: its IHDR chunk needs 13 bytes/],
    ["a PNG cut inside IDAT", PNG.subarray(0, find(PNG, "IDAT") + 10), "image", /cut off: its IDAT chunk/],
    ["a PNG without IEND", PNG.subarray(0, find(PNG, "IEND") - 4), "image", /no IEND chunk/],
    ["a PNG with a flipped byte", flip(PNG, find(PNG, "IDAT") + 6), "image", /checksum of its IDAT chunk/],
    ["a PNG whose pixels are short", shortIdatPng(), "image", /holds 155 bytes where 10×10 pixels need 310/],
    ["a good MP4", MP4, "video", null],
    ["an MP4 cut in half", MP4.subarray(0, MP4.length >> 1), "video", /cut off: its \w+ box needs/],
    ["an MP4 cut after ftyp", MP4.subarray(0, 32), "video", /cut off|no moov box/],
    ["a good WAV", wav, "audio", null],
    ["a WAV cut short", wav.subarray(0, 60), "audio", /cut off/],
    ["an MP3 frame", new Uint8Array([0xff, 0xfb, 0x90, 0x64, 0, 0]), "audio", null],
  ];
  for (const [name, bytes, kind, expected] of cases) {
    await t.step(name, () => {
      const problem = inspectMedia(bytes, kind);
      if (expected === null) assert.equal(problem, null);
      else {
        assert.match(problem ?? "(no problem found)", expected);
        assert.match(problem!, new RegExp(`^The generated ${kind} .*\\.$`));
      }
    });
  }
});

Deno.test("sniffFormat tells the formats apart", () => {
  assert.deepEqual(
    [PNG, MP4, wav, new TextEncoder().encode("ID3\x04"), new Uint8Array([1, 2, 3])].map(sniffFormat),
    ["png", "mp4", "wav", "mp3", null],
  );
});

Deno.test("validateMediaFile decodes videos: damage inside the media data is found, with no server path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "studio-validate-" });
  try {
    const good = `${dir}/good.mp4`;
    await Deno.writeFile(good, MP4);
    assert.equal(await validateMediaFile(good, "video"), null);
    // Same structure, garbage frames: only a decode can tell.
    const mdat = find(MP4, "mdat");
    const damaged = MP4.slice();
    for (let i = mdat + 8; i < MP4.length; i += 7) damaged[i] ^= 0x5a;
    const bad = `${dir}/bad.mp4`;
    await Deno.writeFile(bad, damaged);
    assert.equal(inspectMedia(damaged, "video"), null, "the boxes still tile the file");
    const problem = await validateMediaFile(bad, "video");
    assert.match(problem ?? "(decoded cleanly)", /^The generated video cannot be decoded: /);
    assert.ok(!problem!.includes(dir), problem!);
    await Deno.writeFile(`${dir}/empty.png`, new Uint8Array(0));
    assert.equal(await validateMediaFile(`${dir}/empty.png`, "image"), "The generated image is empty (0 bytes).");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
