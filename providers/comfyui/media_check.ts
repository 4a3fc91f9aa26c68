/**
 * Checks a downloaded file before a part is done: not empty, and it starts like a PNG (its 8-byte
 * signature) or an MP4 (an ISO-BMFF `ftyp` box). Reads 12 bytes, never the whole file.
 */
import { ProviderError } from "../types.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `head` (the first bytes of a file) is a PNG's or an MP4's start. */
export function looksLike(head: Uint8Array, kind: "png" | "mp4"): boolean {
  if (kind === "png") return head.length >= 8 && PNG_SIGNATURE.every((byte, i) => head[i] === byte);
  return head.length >= 12 && new TextDecoder().decode(head.subarray(4, 8)) === "ftyp";
}

/**
 * Throws a ProviderError when `path` is empty (transient: a retry may get it whole) or does not start
 * like `kind` (permanent: the workflow saves something else).
 */
export async function checkMediaFile(path: string, kind: "png" | "mp4"): Promise<void> {
  const file = await Deno.open(path, { read: true });
  try {
    const head = new Uint8Array(12);
    let filled = 0;
    while (filled < head.length) {
      const n = await file.read(head.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    if (filled === 0) {
      throw new ProviderError("ComfyUI sent an empty file as the result. The part will be retried.", {
        transient: true,
      });
    }
    if (!looksLike(head.subarray(0, filled), kind)) {
      throw new ProviderError(
        `ComfyUI's result is not ${kind === "png" ? "a PNG image" : "an MP4 video"}: check the workflow's save node.`,
        { transient: false },
      );
    }
  } finally {
    file.close();
  }
}
