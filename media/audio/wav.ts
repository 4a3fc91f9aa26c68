/**
 * A minimal WAV (RIFF, 16-bit PCM, mono) encoder, pure: the simulated narration provider and tests
 * make small, valid audio with it without running ffmpeg.
 */

/**
 * Encodes `samples` (-1..1, clipped) as a 16-bit mono PCM WAV file at `sampleRate`.
 *
 * @example
 * const second = encodeWav(new Float32Array(8000), 8000); // one second of silence, 16,044 bytes
 */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => [...text].forEach((c, i) => out[offset + i] = c.charCodeAt(0));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(44 + 2 * i, Math.round(s * 32767), true);
  }
  return out;
}
