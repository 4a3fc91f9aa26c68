import assert from "node:assert/strict";
import { join } from "node:path";
import { createTranscriber, parseTranscription } from "./transcribe.ts";
import { ProviderError, type WordTiming } from "./types.ts";
import { makeTone, withTempDir } from "../../media/fixtures/make_media.ts";
import { startFakeTranscriptionServer, type TranscriptionFlavour } from "../../tests/fakes/openai_transcribe.ts";

const HEARD: WordTiming[] = [
  { text: "The", startMs: 100, endMs: 300 },
  { text: "lighthouse", startMs: 300, endMs: 900 },
  { text: "stood", startMs: 900, endMs: 1200 },
  { text: "alone.", startMs: 1200, endMs: 1700 },
];

for (const flavour of ["openai", "faster-whisper", "whisper.cpp"] as TranscriptionFlavour[]) {
  Deno.test(`transcribe: multipart request and word timings from a ${flavour} server`, () =>
    withTempDir(async (dir) => {
      const server = startFakeTranscriptionServer({ apiKey: "sk-stt" });
      try {
        server.flavour = flavour;
        server.words = HEARD;
        const file = await makeTone(join(dir, "section.m4a"), 2, "m4a");
        const result = await createTranscriber({ url: server.url, apiKey: "sk-stt" })
          .transcribe(file, { signal: new AbortController().signal, prompt: "The lighthouse stood alone." });
        assert.deepEqual(result.words, HEARD);
        assert.equal(result.wordsEstimated, false);
        assert.equal(result.text, "The lighthouse stood alone.");
        const call = server.calls[0];
        assert.equal(call.authorization, "Bearer sk-stt");
        assert.equal(call.fileName, "section.m4a");
        assert.equal(call.fileBytes, (await Deno.stat(file)).size);
        assert.deepEqual(call.fields.response_format, ["verbose_json"]);
        assert.deepEqual(call.fields["timestamp_granularities[]"], ["word", "segment"]);
        assert.deepEqual(call.fields.model, ["whisper-1"]);
        assert.deepEqual(call.fields.prompt, ["The lighthouse stood alone."]);
      } finally {
        await server.close();
      }
    }));
}

Deno.test("transcribe: a refused key and a server error are classified", () =>
  withTempDir(async (dir) => {
    const server = startFakeTranscriptionServer({ apiKey: "sk-stt" });
    try {
      const file = await makeTone(join(dir, "a.wav"), 0.5);
      const signal = new AbortController().signal;
      await assert.rejects(
        createTranscriber({ url: server.url, apiKey: "nope" }).transcribe(file, { signal }),
        (e) => e instanceof ProviderError && !e.transient && /transcription server .* STT_API_KEY/.test(e.message),
      );
      server.failNext(503, "Model loading.");
      await assert.rejects(
        createTranscriber({ url: server.url, apiKey: "sk-stt" }).transcribe(file, { signal }),
        (e) => e instanceof ProviderError && e.transient && /HTTP 503: Model loading\./.test(e.message),
      );
    } finally {
      await server.close();
    }
  }));

const parseCases: { name: string; body: unknown; words: [string, number, number][]; estimated?: boolean }[] = [
  {
    name: "OpenAI: top-level words in seconds",
    body: {
      text: "Hi there",
      words: [{ word: "Hi", start: 0.1, end: 0.35 }, { word: "there", start: 0.35, end: 0.8 }],
    },
    words: [["Hi", 100, 350], ["there", 350, 800]],
  },
  {
    name: "faster-whisper: words inside segments with leading spaces, top-level words null",
    body: {
      words: null,
      segments: [{
        start: 0,
        end: 1,
        text: " Hi there",
        words: [{ word: " Hi", start: 0, end: 0.4 }, { word: " there", start: 0.4, end: 1 }],
      }],
    },
    words: [["Hi", 0, 400], ["there", 400, 1000]],
  },
  {
    name: "whisper.cpp: sub-word tokens joined, special tokens dropped, punctuation kept on its word",
    body: {
      segments: [{
        start: 0,
        end: 1.2,
        text: " Lighthouse, lit.",
        words: [
          { word: "[_BEG_]", start: 0, end: 0 },
          { word: " Light", start: 0, end: 0.3 },
          { word: "house", start: 0.3, end: 0.6 },
          { word: ",", start: 0.6, end: 0.6 },
          { word: " lit", start: 0.7, end: 1.1 },
          { word: ".", start: 1.1, end: 1.2 },
          { word: "<|endoftext|>", start: 1.2, end: 1.2 },
        ],
      }],
    },
    words: [["Lighthouse", 0, 600], [",", 600, 600], ["lit", 700, 1100], [".", 1100, 1200]],
  },
  {
    name: "segments only: words share the segment's time by length",
    body: { segments: [{ start: 1, end: 2, text: " ab abcd ab" }] },
    words: [["ab", 1000, 1250], ["abcd", 1250, 1750], ["ab", 1750, 2000]],
    estimated: true,
  },
  {
    name: "whisper.cpp JSON output: offsets in ms",
    body: {
      transcription: [{
        timestamps: { from: "00:00:00,000", to: "00:00:01,000" },
        offsets: { from: 0, to: 1000 },
        text: " One two",
      }],
    },
    words: [["One", 0, 500], ["two", 500, 1000]],
    estimated: true,
  },
  { name: "nothing usable", body: { text: "hello" }, words: [] },
  { name: "not an object", body: null, words: [] },
  {
    name: "malformed words are skipped",
    body: {
      words: [{ word: "ok", start: 0, end: 1 }, { word: 3, start: 0, end: 1 }, { word: "x", start: "a", end: 1 }],
    },
    words: [["ok", 0, 1000]],
  },
];
for (const c of parseCases) {
  Deno.test(`transcribe parse: ${c.name}`, () => {
    const result = parseTranscription(c.body);
    assert.deepEqual(result.words.map((w) => [w.text, w.startMs, w.endMs]), c.words);
    assert.equal(result.wordsEstimated, c.estimated ?? false);
  });
}
