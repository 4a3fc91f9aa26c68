import assert from "node:assert/strict";
import { join } from "node:path";
import { narrateSection } from "./narrate_section.ts";
import { rebaseWords } from "./cut.ts";
import { probeMedia } from "../probe.ts";
import { withTempDir } from "../fixtures/make_media.ts";
import { decodeWithFfmpeg } from "../../providers/fixtures/media_checks.ts";
import { createOpenAiSpeechProvider } from "../../providers/audio/openai.ts";
import { createTranscriber } from "../../providers/audio/transcribe.ts";
import { createSimulatedAudioProvider } from "../../providers/audio/simulated.ts";
import { createFliteProvider } from "../../providers/audio/flite.ts";
import { estimateSpeech } from "../../providers/audio/speech_estimate.ts";
import { startFakeSpeechServer } from "../../tests/fakes/openai_speech.ts";
import { startFakeTranscriptionServer } from "../../tests/fakes/openai_transcribe.ts";

const SECTION = ["The keeper lit the lamp.", "Ships passed in 1999 safely.", "Then the storm came."];
const signal = () => new AbortController().signal;
const outPaths = (dir: string) => SECTION.map((text, i) => ({ text, outPath: join(dir, `s${i + 1}.m4a`) }));

Deno.test("narrate section: read whole by a speech server, cut where a transcription puts the sentence ends", () =>
  withTempDir(async (dir) => {
    const tts = startFakeSpeechServer();
    const stt = startFakeTranscriptionServer();
    try {
      // What the transcription "hears": the fake voice's words, written its own way, with a filler word.
      const heard = estimateSpeech(SECTION.join(" ")).words.map((w) => ({
        ...w,
        text: w.text.replace("1999", "nineteen ninety-nine"),
      }));
      heard.splice(2, 0, { text: "uh", startMs: heard[1].endMs, endMs: heard[1].endMs + 40 });
      stt.words = heard;
      stt.flavour = "faster-whisper";
      const progress: number[] = [];
      const result = await narrateSection({
        provider: createOpenAiSpeechProvider({ url: tts.url, model: "tts-1", voice: "alloy" }),
        transcriber: createTranscriber({ url: stt.url }),
        sentences: outPaths(dir),
        signal: signal(),
        attempt: 1,
        onProgress: (f) => progress.push(f),
      });
      assert.equal(result.mode, "section");
      assert.equal(tts.calls.length, 1, "one request for the whole section");
      assert.equal(tts.calls[0].body.input, SECTION.join(" "));
      assert.equal(stt.calls.length, 1);
      // Word slots are 400 ms; a cut lies halfway through the 60 ms gap after a sentence's last word.
      const total = estimateSpeech(SECTION.join(" ")).durationMs;
      const cuts = [0, 200 + 5 * 400 - 30, 200 + 10 * 400 - 30, total];
      const expected = [cuts[1] - cuts[0], cuts[2] - cuts[1], cuts[3] - cuts[2]];
      for (const [i, piece] of result.sentences.entries()) {
        await decodeWithFfmpeg(piece.path);
        assert.ok(
          Math.abs(piece.durationMs - expected[i]) <= 40,
          `sentence ${i + 1}: ${piece.durationMs} ms, expected ${expected[i]}`,
        );
        assert.equal((await probeMedia(piece.path)).streams[0].codec, "aac");
      }
      assert.deepEqual(result.sentences.map((s) => s.words!.map((w) => w.text)), [
        ["The", "keeper", "uh", "lit", "the", "lamp."],
        ["Ships", "passed", "in", "nineteen ninety-nine", "safely."],
        ["Then", "the", "storm", "came."],
      ]);
      // Words start from their own sentence's start.
      assert.equal(result.sentences[1].words![0].startMs, 30);
      assert.ok(progress.at(-1) === 1 && progress.every((f, i) => i === 0 || f >= progress[i - 1]));
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["s1.m4a", "s2.m4a", "s3.m4a"]);
    } finally {
      await tts.close();
      await stt.close();
    }
  }));

Deno.test("narrate section: without a transcription server a speech server reads sentence by sentence", () =>
  withTempDir(async (dir) => {
    const tts = startFakeSpeechServer();
    try {
      const result = await narrateSection({
        provider: createOpenAiSpeechProvider({ url: tts.url, model: "tts-1", voice: "alloy" }),
        sentences: outPaths(dir),
        signal: signal(),
        attempt: 1,
      });
      assert.equal(result.mode, "sentences");
      assert.deepEqual(tts.calls.map((c) => c.body.input), SECTION);
      assert.equal(result.sentences.length, 3);
    } finally {
      await tts.close();
    }
  }));

Deno.test("narrate section: a provider that times its own sections is cut at its boundaries", () =>
  withTempDir(async (dir) => {
    const result = await narrateSection({
      provider: createSimulatedAudioProvider(),
      sentences: outPaths(dir),
      signal: signal(),
      attempt: 1,
    });
    assert.equal(result.mode, "section");
    // Within one AAC frame (1024 samples, 21.3 ms at 48 kHz) of the provider's own boundaries.
    const lengths = result.sentences.map((s) => s.durationMs);
    [2400, 2400, 2000].forEach((want, i) => assert.ok(Math.abs(lengths[i] - want) <= 22, `${lengths[i]} vs ${want}`));
    assert.deepEqual(result.sentences[2].words!.map((w) => [w.text, w.startMs]), [["Then", 200], ["the", 600], [
      "storm",
      1000,
    ], ["came.", 1400]]);
  }));

Deno.test("narrate section: the offline voice reads sentence by sentence", () =>
  withTempDir(async (dir) => {
    const result = await narrateSection({
      provider: createFliteProvider(),
      sentences: outPaths(dir).slice(0, 2),
      signal: signal(),
      attempt: 1,
    });
    assert.equal(result.mode, "sentences");
    assert.equal(result.sentences.length, 2);
    assert.ok(result.sentences.every((s) => s.durationMs > 1000 && s.words!.length >= 5));
  }));

Deno.test("cut: words are re-based to the piece and kept inside it", () => {
  assert.deepEqual(
    rebaseWords([{ text: "a", startMs: 900, endMs: 1100 }, { text: "b", startMs: 1100, endMs: 2600 }], 1000, 1500),
    [{ text: "a", startMs: 0, endMs: 100 }, { text: "b", startMs: 100, endMs: 1500 }],
  );
});
