import assert from "node:assert/strict";
import { join } from "node:path";
import { cutsFromPauses, parseSilences } from "./pauses.ts";
import { splitSectionRecording } from "./split_recording.ts";
import { acceptRecording } from "./upload.ts";
import { makeSectionReading, makeTone, withTempDir } from "../fixtures/make_media.ts";
import { createTranscriber } from "../../providers/audio/transcribe.ts";
import { startFakeTranscriptionServer } from "../../tests/fakes/openai_transcribe.ts";

Deno.test("pauses: silencedetect output parses, an open silence runs to the end", () => {
  const stderr =
    "[silencedetect @ 0x1] silence_start: -0.0001\n[silencedetect @ 0x1] silence_end: 0.25 | silence_duration: 0.25\n" +
    "[silencedetect @ 0x1] silence_start: 1.5\n[silencedetect @ 0x1] silence_end: 2 | silence_duration: 0.5\n" +
    "[silencedetect @ 0x1] silence_start: 3.75\n";
  assert.deepEqual(parseSilences(stderr, 4000), [{ startMs: 0, endMs: 250 }, { startMs: 1500, endMs: 2000 }, {
    startMs: 3750,
    endMs: 4000,
  }]);
});

const p = (startMs: number, endMs: number) => ({ startMs, endMs });
const cases: { name: string; sentences: string[]; pauses: ReturnType<typeof p>[]; total: number; want: number[] }[] = [
  { name: "one sentence: no cut", sentences: ["Alone."], pauses: [p(500, 900)], total: 2000, want: [] },
  {
    name: "the pause near the text's boundary wins over a short breath",
    sentences: ["aaaa aaaa.", "bbbb bbbb."],
    pauses: [p(400, 500), p(950, 1350), p(1700, 1800)],
    total: 2400,
    want: [1150],
  },
  {
    name: "leading and trailing silence are not boundaries",
    sentences: ["aaaa.", "bbbb."],
    pauses: [p(0, 300), p(1000, 1400), p(2200, 2500)],
    total: 2500,
    want: [1200],
  },
  {
    name: "boundaries stay in order",
    sentences: ["aaaa.", "bbbb.", "cccc."],
    pauses: [p(900, 1100), p(1900, 2100), p(2200, 2300)],
    total: 3000,
    want: [1000, 2000],
  },
  {
    name: "a long pause is preferred to a slightly closer short one",
    sentences: ["aaaaa.", "bbbbb."],
    pauses: [p(975, 1025), p(1050, 1650)],
    total: 2000,
    want: [1350],
  },
  {
    name: "too few pauses: the rest by text length",
    sentences: ["aaaa.", "bbbb.", "cccc."],
    pauses: [p(950, 1050)],
    total: 3000,
    want: [1000, 2000],
  },
  { name: "no pauses at all", sentences: ["aa.", "bbbbbb."], pauses: [], total: 1000, want: [300] },
];
for (const c of cases) {
  Deno.test(`pauses: ${c.name}`, () => assert.deepEqual(cutsFromPauses(c.sentences, c.pauses, c.total), c.want));
}

Deno.test("split recording: a section read with pauses is cut at the pauses, without a transcription server", () =>
  withTempDir(async (dir) => {
    // Three "sentences" of tone (1.2 s, 2.0 s, 0.8 s) with 0.6 s pauses between, 0.3 s of silence around.
    const raw = await makeSectionReading(join(dir, "section.wav"));
    const accepted = await acceptRecording((await Deno.open(raw)).readable, join(dir, "accepted.m4a"));
    const sentences = ["The keeper woke early.", "She climbed the long stairs to the lamp room.", "Dawn came."]
      .map((text, i) => ({ text, outPath: join(dir, `s${i + 1}.m4a`) }));
    const result = await splitSectionRecording({
      recordingPath: accepted.path,
      durationMs: accepted.durationMs,
      sentences,
    });
    assert.equal(result.method, "pauses");
    const lengths = result.sentences.map((s) => s.durationMs);
    // Cuts in the middle of each pause: 1.8 s and 4.4 s.
    [1800, 2600, 1400].forEach((want, i) =>
      assert.ok(Math.abs(lengths[i] - want) <= 60, `sentence ${i + 1}: ${lengths[i]} ms, expected ${want}`)
    );
  }));

Deno.test("split recording: with a transcription server, cuts where it hears the sentences end", () =>
  withTempDir(async (dir) => {
    const stt = startFakeTranscriptionServer();
    try {
      stt.words = [
        { text: "One", startMs: 100, endMs: 400 },
        { text: "two.", startMs: 400, endMs: 900 },
        { text: "Three", startMs: 1300, endMs: 1700 },
        { text: "four.", startMs: 1700, endMs: 2200 },
      ];
      const recording = await makeTone(join(dir, "r.m4a"), 2.4, "m4a");
      const result = await splitSectionRecording({
        recordingPath: recording,
        durationMs: 2400,
        sentences: ["One two.", "Three four."].map((text, i) => ({ text, outPath: join(dir, `s${i}.m4a`) })),
        transcriber: createTranscriber({ url: stt.url }),
      });
      assert.equal(result.method, "transcription");
      assert.equal(stt.calls.length, 1);
      [1100, 1300].forEach((want, i) => assert.ok(Math.abs(result.sentences[i].durationMs - want) <= 30));
      assert.deepEqual(result.sentences[1].words!.map((w) => [w.text, w.startMs]), [["Three", 200], ["four.", 600]]);
    } finally {
      await stt.close();
    }
  }));
