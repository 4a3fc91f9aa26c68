/**
 * PNG's byte framing, in one place for the code that writes PNGs (the simulated provider's flat
 * pictures, providers/simulated.ts) and the code that checks them (./validate.ts): the 8-byte
 * signature, chunks of length, type, data and CRC-32, and joining byte arrays (a file from its
 * chunks, an image's deflate stream from its IDAT chunks).
 */

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * One PNG chunk: 4-byte big-endian data length, 4-character `type`, `data`, then the CRC-32 of type
 * and data (what a reader such as ./validate.ts checks).
 *
 * @example
 * const png = concatBytes([new Uint8Array(PNG_SIGNATURE), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflated)]);
 */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The bytes of `parts` one after another, in a new array. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 (ISO-HDLC, as PNG and zlib use it) of `bytes`, as an unsigned 32-bit number.
 *
 * @example
 * crc32(new TextEncoder().encode("123456789")) // 0xcbf43926
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
