/** Raw HTTP over TCP, for tests of what a slow or odd client sees (timeouts, refusals). */

/**
 * Opens a connection to 127.0.0.1:`port`, sends `first` (which may be half a request), and reads
 * until the server closes the connection or `limitMs` passes; returns what arrived and how long.
 */
export async function exchange(port: number, first: string, limitMs = 10_000): Promise<{ text: string; ms: number }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const started = performance.now();
  if (first) await conn.write(new TextEncoder().encode(first));
  let text = "";
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(8192);
  const timer = setTimeout(() => conn.close(), limitMs);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += decoder.decode(buffer.subarray(0, n), { stream: true });
    }
  } catch { /* closed by our own timer */ }
  clearTimeout(timer);
  try {
    conn.close();
  } catch { /* already closed */ }
  return { text, ms: performance.now() - started };
}
