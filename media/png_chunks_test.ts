import assert from "node:assert/strict";
import { concatBytes, crc32, PNG_SIGNATURE, pngChunk } from "./png_chunks.ts";
import { sniffFormat } from "./validate.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("crc32 gives the standard CRC-32 check values", () => {
  const cases: [string, number][] = [
    ["", 0],
    ["a", 0xe8b7be43],
    ["123456789", 0xcbf43926],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
  ];
  for (const [input, expected] of cases) assert.equal(crc32(text(input)), expected, JSON.stringify(input));
});

Deno.test("pngChunk frames data as length, type, data and CRC (the well-known IEND and a data chunk)", () => {
  assert.deepEqual(
    [...pngChunk("IEND", new Uint8Array(0))],
    [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82],
  );
  const chunk = pngChunk("tEXt", text("a=b"));
  const view = new DataView(chunk.buffer);
  assert.equal(view.getUint32(0), 3);
  assert.equal(new TextDecoder().decode(chunk.subarray(4, 11)), "tEXta=b");
  assert.equal(view.getUint32(11), crc32(text("tEXta=b")));
});

Deno.test("concatBytes joins arrays in order, empty ones included", () => {
  const cases: [number[][], number[]][] = [
    [[], []],
    [[[1, 2], [], [3]], [1, 2, 3]],
    [[[], []], []],
  ];
  for (const [parts, expected] of cases) {
    assert.deepEqual([...concatBytes(parts.map((p) => new Uint8Array(p)))], expected);
  }
});

Deno.test("a file starting with PNG_SIGNATURE is sniffed as PNG", () => {
  assert.equal(sniffFormat(concatBytes([new Uint8Array(PNG_SIGNATURE), pngChunk("IEND", new Uint8Array(0))])), "png");
});
