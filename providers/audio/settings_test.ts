import assert from "node:assert/strict";
import { loadAudioSettings } from "./settings.ts";
import { createAudioProvider, createTranscriberFromSettings } from "./registry.ts";

Deno.test("audio settings: the offline voice is the default and needs nothing", () => {
  const settings = loadAudioSettings({});
  assert.deepEqual(settings, { provider: "flite", tts: undefined, stt: undefined, simulatedAudioMs: 1000 });
  assert.equal(createAudioProvider(settings).name, "flite");
  assert.equal(createTranscriberFromSettings(settings), undefined);
});

Deno.test("audio settings: an OpenAI-compatible server with a transcription server", () => {
  const settings = loadAudioSettings({
    AUDIO_PROVIDER: "openai",
    TTS_API_URL: "http://127.0.0.1:8880/v1",
    TTS_VOICE: "af_heart",
    TTS_API_KEY: "sk-1",
    STT_API_URL: "http://127.0.0.1:8000",
    STT_MODEL: "Systran/faster-whisper-small",
    TTS_MODEL: "",
  });
  assert.deepEqual(settings.tts, {
    url: "http://127.0.0.1:8880/v1",
    model: "tts-1",
    voice: "af_heart",
    apiKey: "sk-1",
  });
  assert.deepEqual(settings.stt, {
    url: "http://127.0.0.1:8000",
    model: "Systran/faster-whisper-small",
    apiKey: undefined,
  });
  assert.equal(createAudioProvider(settings).name, "openai");
  assert.ok(createTranscriberFromSettings(settings));
  assert.equal(
    createAudioProvider(loadAudioSettings({ AUDIO_PROVIDER: "simulated", SIMULATED_AUDIO_MS: "0" })).name,
    "simulated",
  );
});

const bad: [Record<string, string>, RegExp][] = [
  [{ AUDIO_PROVIDER: "espeak" }, /^The environment variable AUDIO_PROVIDER="espeak" is not valid: .*"flite"/],
  [
    { AUDIO_PROVIDER: "openai" },
    /^The environment variable TTS_API_URL is not set, but AUDIO_PROVIDER=openai needs it/,
  ],
  [
    { TTS_API_URL: "localhost:8880" },
    /^The environment variable TTS_API_URL="localhost:8880" is not valid: must be an http:\/\/ or https:\/\/ URL/,
  ],
  [{ STT_API_URL: "ftp://x" }, /^The environment variable STT_API_URL="ftp:\/\/x" is not valid/],
  [{ SIMULATED_AUDIO_MS: "-5" }, /^The environment variable SIMULATED_AUDIO_MS="-5" is not valid/],
  [{ TTS_API_KEY: " ", TTS_MODEL: "x".repeat(300) }, /^The environment variable TTS_MODEL="x+" is not valid/],
];
for (const [env, pattern] of bad) {
  Deno.test(`audio settings: ${JSON.stringify(env).slice(0, 60)} is refused with one sentence naming it`, () => {
    assert.throws(
      () => loadAudioSettings(env),
      (e) => e instanceof Error && pattern.test(e.message) && !e.message.includes("\n"),
    );
  });
}
