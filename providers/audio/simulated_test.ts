import assert from "node:assert/strict";
import { join } from "node:path";
import { createSimulatedAudioProvider } from "./simulated.ts";
import { ProviderError } from "./types.ts";
import { probeMedia } from "../../media/probe.ts";
import { decodeWithFfmpeg } from "../fixtures/media_checks.ts";
import { withTempDir } from "../../media/fixtures/make_media.ts";

const signal = () => new AbortController().signal;

Deno.test("simulated audio: a valid WAV whose length follows the words, with word timings", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedAudioProvider();
    const result = await provider.synthesize({
      text: "The lamp was lit.",
      outPath: join(dir, "a.wav"),
      signal: signal(),
      attempt: 1,
    });
    assert.equal(result.durationMs, 2000); // 4 words × 400 ms + 2 × 200 ms
    assert.equal(result.mimeType, "audio/wav");
    assert.deepEqual(result.words!.map((w) => [w.text, w.startMs, w.endMs]), [
      ["The", 200, 540],
      ["lamp", 600, 940],
      ["was", 1000, 1340],
      ["lit.", 1400, 1740],
    ]);
    await decodeWithFfmpeg(result.path);
    assert.equal((await probeMedia(result.path)).durationMs, 2000);
    assert.ok((await Deno.stat(result.path)).size < 40_000, "tiny");
  }));

Deno.test("simulated audio: a section is one file with sentence boundaries", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedAudioProvider();
    assert.equal(provider.sectionTimings, true);
    const result = await provider.synthesizeSection!({
      sentences: ["One two.", "Three four five."],
      outPath: join(dir, "s.wav"),
      signal: signal(),
      attempt: 1,
    });
    assert.deepEqual(result.sentences, [{ startMs: 0, endMs: 1200 }, { startMs: 1200, endMs: 2800 }]);
    assert.equal(result.durationMs, 2800);
    assert.equal(result.words!.length, 5);
    assert.equal((await probeMedia(result.path)).durationMs, 2800);
  }));

const markerCases: { text: string; attempt: number; transient?: boolean }[] = [
  { text: "This one will [FAIL].", attempt: 1, transient: false },
  { text: "This one will [fail].", attempt: 2, transient: false },
  { text: "[flaky] first try", attempt: 1, transient: true },
  { text: "[flaky] second try", attempt: 2 },
];
for (const c of markerCases) {
  Deno.test(`simulated audio: "${c.text}" on attempt ${c.attempt} ${c.transient === undefined ? "succeeds" : c.transient ? "fails transiently" : "fails permanently"}`, () =>
    withTempDir(async (dir) => {
      const run = createSimulatedAudioProvider().synthesize({
        text: c.text,
        outPath: join(dir, "m.wav"),
        signal: signal(),
        attempt: c.attempt,
      });
      if (c.transient === undefined) return void await run;
      await assert.rejects(
        run,
        (e) => e instanceof ProviderError && e.transient === c.transient && /sentence/.test(e.message),
      );
    }));
}

Deno.test("simulated audio: [slow] takes ten times as long and aborting stops the wait", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedAudioProvider({ delayMs: 20 });
    let started = performance.now();
    await provider.synthesize({ text: "quick", outPath: join(dir, "q.wav"), signal: signal(), attempt: 1 });
    const quick = performance.now() - started;
    started = performance.now();
    await provider.synthesize({ text: "[slow] one", outPath: join(dir, "s.wav"), signal: signal(), attempt: 1 });
    const slow = performance.now() - started;
    assert.ok(quick >= 19 && slow >= 200, `quick ${quick} ms, slow ${slow} ms`);
    const controller = new AbortController();
    const pending = createSimulatedAudioProvider({ delayMs: 5000 }).synthesize({
      text: "x",
      outPath: join(dir, "x.wav"),
      signal: controller.signal,
      attempt: 1,
    });
    controller.abort();
    await assert.rejects(pending, (e) => e instanceof DOMException && e.name === "AbortError");
  }));
