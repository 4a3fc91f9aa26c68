import assert from "node:assert/strict";
import { join } from "node:path";
import { createOpenAiSpeechProvider } from "./openai.ts";
import { ProviderError } from "./types.ts";
import { probeMedia } from "../../media/probe.ts";
import { withTempDir } from "../../media/fixtures/make_media.ts";
import { type FakeSpeechServer, startFakeSpeechServer } from "../../tests/fakes/openai_speech.ts";
import { encodeFlatPng } from "../simulated.ts";

async function withServer(fn: (server: FakeSpeechServer, dir: string) => Promise<void>, apiKey = "sk-test") {
  const server = startFakeSpeechServer({ apiKey });
  try {
    await withTempDir((dir) => fn(server, dir));
  } finally {
    await server.close();
  }
}

const speak = (
  url: string,
  dir: string,
  extra: { apiKey?: string; model?: string; voice?: string; timeoutMs?: number } = {},
) =>
  createOpenAiSpeechProvider({
    url,
    model: extra.model ?? "kokoro",
    voice: extra.voice ?? "af_heart",
    apiKey: extra.apiKey ?? "sk-test",
    timeoutMs: extra.timeoutMs,
  })
    .synthesize({
      text: "The lamp was lit at dusk.",
      outPath: join(dir, "s.m4a"),
      signal: new AbortController().signal,
      attempt: 1,
    });

Deno.test("openai speech: sends model, voice, input and the key; stores the answer as AAC narration", () =>
  withServer(async (server, dir) => {
    const result = await speak(server.url, dir);
    assert.deepEqual(server.calls, [{
      authorization: "Bearer sk-test",
      body: { model: "kokoro", voice: "af_heart", input: "The lamp was lit at dusk.", response_format: "wav" },
    }]);
    assert.equal(result.mimeType, "audio/mp4");
    const probed = await probeMedia(result.path);
    assert.deepEqual(probed.streams, [{ index: 0, type: "audio", codec: "aac", sampleRate: 48000, channels: 1 }]);
    // The fake reads 6 words at 150 wpm: 6 × 400 + 400 = 2800 ms.
    assert.ok(Math.abs(result.durationMs - 2800) <= 30, `duration ${result.durationMs}`);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["s.m4a"]);
  }));

Deno.test("openai speech: a section is read in one request", () =>
  withServer(async (server, dir) => {
    const provider = createOpenAiSpeechProvider({ url: server.url, model: "tts-1", voice: "alloy", apiKey: "sk-test" });
    assert.equal(provider.sectionTimings, undefined, "no timings of its own: cutting needs a transcription");
    const result = await provider.synthesizeSection!({
      sentences: ["One two.", "Three four five."],
      outPath: join(dir, "section.m4a"),
      signal: new AbortController().signal,
      attempt: 1,
    });
    assert.equal(server.calls.length, 1);
    assert.equal(server.calls[0].body.input, "One two. Three four five.");
    assert.ok(Math.abs(result.durationMs - 2400) <= 30);
  }));

const errorCases: {
  name: string;
  setup: (s: FakeSpeechServer) => void;
  options?: Parameters<typeof speak>[2];
  transient: boolean;
  pattern: RegExp;
}[] = [
  {
    name: "a wrong key",
    setup: () => {},
    options: { apiKey: "sk-wrong" },
    transient: false,
    pattern: /refused the API key \(HTTP 401: Incorrect API key provided\.\)\. Set TTS_API_KEY/,
  },
  {
    name: "an unknown model",
    setup: () => {},
    options: { model: "tts-9" },
    transient: false,
    pattern: /HTTP 404: The model 'tts-9' does not exist.*TTS_MODEL/,
  },
  {
    name: "an unknown voice",
    setup: () => {},
    options: { voice: "nobody" },
    transient: false,
    pattern: /HTTP 400: Voice 'nobody' is not supported.*TTS_VOICE/,
  },
  { name: "a rate limit", setup: (s) => s.failNext(429, "Rate limit reached."), transient: true, pattern: /HTTP 429/ },
  {
    name: "a server error",
    setup: (s) => s.failNext(500, "CUDA error."),
    transient: true,
    pattern: /HTTP 500: CUDA error\./,
  },
  {
    name: "a slow server",
    setup: (s) => s.delayMs = 1500,
    options: { timeoutMs: 300 },
    transient: true,
    pattern: /did not answer within 0\.3 s; it will be tried again/,
  },
  {
    name: "an answer that is not audio",
    setup: (s) => s.bodyOverride = new Uint8Array(encodeFlatPng(8, 8, [1, 2, 3])),
    transient: false,
    pattern: /not audio ffmpeg can read/,
  },
  {
    name: "an answer that is text",
    setup: (s) => s.bodyOverride = new TextEncoder().encode("Internal error, see logs"),
    transient: false,
    pattern: /not audio ffmpeg can read .*Invalid data/,
  },
  { name: "an empty answer", setup: (s) => s.bodyOverride = new Uint8Array(0), transient: false, pattern: /no audio/ },
];
for (const c of errorCases) {
  Deno.test(`openai speech: ${c.name} is a ${c.transient ? "transient" : "permanent"} error with a sentence`, () =>
    withServer(async (server, dir) => {
      c.setup(server);
      await assert.rejects(speak(server.url, dir, c.options), (e) => {
        assert.ok(e instanceof ProviderError, String(e));
        assert.equal(e.transient, c.transient, e.message);
        assert.match(e.message, c.pattern);
        assert.doesNotMatch(e.message, /sk-/, "never shows a key");
        assert.doesNotMatch(e.message, /\/tmp\/|studio-/, "never shows a server path");
        return true;
      });
      assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing left behind");
    }));
}

Deno.test("openai speech: a server that is down is a transient error naming TTS_API_URL", () =>
  withTempDir(async (dir) => {
    const server = startFakeSpeechServer();
    const url = server.url;
    await server.close();
    await assert.rejects(
      speak(url, dir),
      (e) => e instanceof ProviderError && e.transient && /could not be reached.*TTS_API_URL/.test(e.message),
    );
  }));

Deno.test("openai speech: aborting a request in flight rejects with the abort at once", () =>
  withServer(async (server, dir) => {
    server.delayMs = 3000;
    const controller = new AbortController();
    const started = performance.now();
    const pending = createOpenAiSpeechProvider({
      url: server.url,
      model: "kokoro",
      voice: "af_heart",
      apiKey: "sk-test",
    })
      .synthesize({ text: "Hello there.", outPath: join(dir, "a.m4a"), signal: controller.signal, attempt: 1 });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (e) => e instanceof DOMException && e.name === "AbortError");
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  }));
