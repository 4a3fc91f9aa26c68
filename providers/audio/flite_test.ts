import assert from "node:assert/strict";
import { join } from "node:path";
import { createFliteProvider } from "./flite.ts";
import { ProviderError } from "./types.ts";
import { probeMedia } from "../../media/probe.ts";
import { decodeWithFfmpeg } from "../fixtures/media_checks.ts";
import { withTempDir } from "../../media/fixtures/make_media.ts";
import { timeTextTokens } from "../../media/audio/align.ts";

const provider = createFliteProvider();
const SENTENCE = "The lighthouse keeper climbed the stairs every night at nine.";

Deno.test("flite: a sentence becomes decodable AAC narration of plausible length, with word timings", () =>
  withTempDir(async (dir) => {
    const outPath = join(dir, "s.m4a");
    const started = performance.now();
    const result = await provider.synthesize({
      text: SENTENCE,
      outPath,
      signal: new AbortController().signal,
      attempt: 1,
    });
    console.log(`  flite: ${Math.round(performance.now() - started)} ms for a ${result.durationMs} ms sentence`);
    assert.equal(result.path, outPath);
    assert.equal(result.mimeType, "audio/mp4");
    await decodeWithFfmpeg(outPath);
    const probed = await probeMedia(outPath);
    assert.deepEqual(probed.streams, [{ index: 0, type: "audio", codec: "aac", sampleRate: 48000, channels: 1 }]);
    // 10 words: a human reads them in 3–4 s; anything from 2 to 6 s is speech-like.
    assert.ok(result.durationMs > 2000 && result.durationMs < 6000, `duration ${result.durationMs} ms`);
    assert.ok(Math.abs(probed.durationMs! - result.durationMs) <= 10);
    const words = result.words!;
    assert.deepEqual(words.map((w) => w.text), [
      "the",
      "lighthouse",
      "keeper",
      "climbed",
      "the",
      "stairs",
      "every",
      "night",
      "at",
      "nine",
    ]);
    for (const [i, w] of words.entries()) {
      assert.ok(w.startMs < w.endMs, `${w.text} has a length`);
      if (i > 0) assert.ok(w.startMs >= words[i - 1].endMs, `${w.text} starts after ${words[i - 1].text}`);
    }
    assert.ok(words[0].startMs > 0 && words.at(-1)!.endMs <= result.durationMs);
    // "lighthouse" is longer than "the".
    assert.ok(words[1].endMs - words[1].startMs > words[0].endMs - words[0].startMs);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["s.m4a"], "no temporary files left");
  }));

Deno.test("flite: numbers and abbreviations are read out and map back to the written words", () =>
  withTempDir(async (dir) => {
    const text = "Dr. Smith paid $42 in 1999.";
    const result = await provider.synthesize({
      text,
      outPath: join(dir, "n.m4a"),
      signal: new AbortController().signal,
      attempt: 1,
    });
    assert.deepEqual(result.words!.map((w) => w.text), [
      "doctor",
      "smith",
      "paid",
      "forty",
      "two",
      "dollars",
      "in",
      "nineteen",
      "ninety",
      "nine",
    ]);
    const tokens = timeTextTokens(text, result.words!);
    assert.deepEqual(tokens.map((t) => t.text), ["Dr", "Smith", "paid", "$42", "in", "1999"]);
    const dollars = tokens[3];
    assert.equal(dollars.startMs, result.words![3].startMs);
    assert.equal(dollars.endMs, result.words![5].endMs);
  }));

Deno.test("flite: text without words is refused with a sentence, permanently", async () => {
  await assert.rejects(
    provider.synthesize({
      text: " — … ",
      outPath: "/nonexistent/x.m4a",
      signal: new AbortController().signal,
      attempt: 1,
    }),
    (e) => e instanceof ProviderError && !e.transient && /no words to read aloud/.test(e.message),
  );
});

Deno.test("flite: aborting stops the synthesis at once and leaves no file", () =>
  withTempDir(async (dir) => {
    const controller = new AbortController();
    const long = Array.from({ length: 40 }, () => SENTENCE).join(" ");
    const started = performance.now();
    const pending = provider.synthesize({
      text: long,
      outPath: join(dir, "long.m4a"),
      signal: controller.signal,
      attempt: 1,
    });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, (e) => e instanceof DOMException && e.name === "AbortError");
    assert.ok(performance.now() - started < 2000, "stopped quickly");
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  }));
