/**
 * Web Worker for import_stall_test.ts: polls a URL every few ms on its own thread (so a stall of
 * the server's event loop cannot delay the polling itself) and reports the answer times.
 * Messages: `{url, intervalMs}` starts a round (answered `{started: true}`), `"stop"` ends it
 * (answered `{times, failures}`).
 */
/// <reference lib="deno.worker" />

let round = 0;
self.onmessage = async (event: MessageEvent<{ url: string; intervalMs: number } | "stop">) => {
  if (event.data === "stop") {
    round++;
    return;
  }
  const mine = ++round;
  const { url, intervalMs } = event.data;
  const times: number[] = [];
  let failures = 0;
  self.postMessage({ started: true });
  while (round === mine) {
    const started = performance.now();
    try {
      const res = await fetch(url);
      await res.text();
      if (!res.ok) failures++;
    } catch {
      failures++;
    }
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  self.postMessage({ times, failures });
};
