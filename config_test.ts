import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

Deno.test("defaults", () => {
  const c = loadConfig({});
  assert.equal(c.port, 8000);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.dataDir, "./data");
  assert.equal(c.imageProvider, "draft");
  assert.equal(c.videoProvider, "draft");
  assert.equal(c.maxAttempts, 3);
  assert.deepEqual(c.audio, { provider: "flite", tts: undefined, stt: undefined, simulatedAudioMs: 1000 });
});

Deno.test("values from the environment; empty means unset", () => {
  const c = loadConfig({ PORT: "9000", IMAGE_PROVIDER: "simulated", DATABASE_URL: "", SIMULATED_IMAGE_MS: "0" });
  assert.equal(c.port, 9000);
  assert.equal(c.imageProvider, "simulated");
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.simulatedImageMs, 0);
});

Deno.test("a bad value names the variable in one sentence", () => {
  assert.throws(() => loadConfig({ PORT: "eighty" }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message));
  assert.throws(() => loadConfig({ IMAGE_PROVIDER: "dalle" }), /IMAGE_PROVIDER/);
  assert.throws(() => loadConfig({ DATABASE_URL: "mysql://x" }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ VIDEO_PROVIDER: "comfyui" }), /VIDEO_PROVIDER=comfyui is not supported yet/);
});

Deno.test("narration settings: read with the rest, a bad one named in one sentence", () => {
  const c = loadConfig({ AUDIO_PROVIDER: "openai", TTS_API_URL: "http://127.0.0.1:8880/v1", TTS_VOICE: "af_heart" });
  assert.deepEqual(c.audio.tts, {
    url: "http://127.0.0.1:8880/v1",
    model: "tts-1",
    voice: "af_heart",
    apiKey: undefined,
  });
  assert.throws(
    () => loadConfig({ AUDIO_PROVIDER: "espeak" }),
    (e: Error) =>
      e instanceof ConfigError && /^The environment variable AUDIO_PROVIDER="espeak" is not valid/.test(e.message),
  );
  assert.throws(
    () => loadConfig({ AUDIO_PROVIDER: "openai" }),
    (e: Error) => e instanceof ConfigError && /TTS_API_URL/.test(e.message),
  );
  assert.throws(() => loadConfig({ STT_API_URL: "ftp://x" }), /STT_API_URL/);
});
