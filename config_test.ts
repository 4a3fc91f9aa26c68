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
  assert.throws(
    () => loadConfig({ VIDEO_PROVIDER: "comfyui" }),
    (e: Error) => e instanceof ConfigError && /COMFYUI_URL/.test(e.message),
  );
  assert.throws(() => loadConfig({ IMAGE_PROVIDER: "comfyui", COMFYUI_URL: "gpu-box:8188" }), /COMFYUI_URL/);
});

Deno.test("ComfyUI: one server or two, and what SCENE_ORDER=auto compares", async () => {
  const { generationServers } = await import("./config.ts");
  const one = loadConfig({ IMAGE_PROVIDER: "comfyui", VIDEO_PROVIDER: "comfyui", COMFYUI_URL: "http://gpu:8188/" });
  assert.deepEqual(generationServers(one), { image: "http://gpu:8188", video: "http://gpu:8188" });
  const two = loadConfig({
    IMAGE_PROVIDER: "comfyui",
    VIDEO_PROVIDER: "comfyui",
    COMFYUI_URL: "http://gpu:8188",
    COMFYUI_VIDEO_URL: "http://gpu2:8188",
  });
  assert.deepEqual(generationServers(two), { image: "http://gpu:8188", video: "http://gpu2:8188" });
  assert.deepEqual(generationServers(loadConfig({})), { image: null, video: null });
});

Deno.test("HOST other than loopback without a token refuses to start, in one line saying how to set one", () => {
  for (const host of ["0.0.0.0", "192.168.1.5", "::"]) {
    assert.throws(
      () => loadConfig({ HOST: host }),
      (e: Error) =>
        e instanceof ConfigError && !e.message.includes("\n") && /STUDIO_TOKEN=/.test(e.message) &&
        /ALLOW_OPEN_ACCESS=1/.test(e.message),
    );
  }
  assert.equal(loadConfig({ HOST: "0.0.0.0", STUDIO_TOKEN: "a".repeat(16) }).accessToken, "a".repeat(16));
  const open = loadConfig({ HOST: "0.0.0.0", ALLOW_OPEN_ACCESS: "1" });
  assert.equal(open.allowOpenAccess, true);
  assert.equal(open.accessToken, undefined);
  for (const host of ["127.0.0.1", "localhost", "::1"]) assert.equal(loadConfig({ HOST: host }).host, host);
});

Deno.test("the token: at least 16 characters, from the variable or a file, never printed", async () => {
  assert.throws(
    () => loadConfig({ STUDIO_TOKEN: "short-secret" }),
    (e: Error) => /STUDIO_TOKEN \(value hidden\).*at least 16/.test(e.message) && !e.message.includes("short-secret"),
  );
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, "  0123456789abcdef0123  \n");
    assert.equal(loadConfig({ STUDIO_TOKEN_FILE: file }).accessToken, "0123456789abcdef0123");
    await Deno.writeTextFile(file, "tiny\n");
    assert.throws(() => loadConfig({ STUDIO_TOKEN_FILE: file }), (e: Error) => !e.message.includes("tiny"));
    assert.throws(() => loadConfig({ STUDIO_TOKEN_FILE: `${file}.missing` }), /cannot be read/);
    assert.throws(() => loadConfig({ STUDIO_TOKEN_FILE: file, STUDIO_TOKEN: "x".repeat(20) }), /not both/);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("a bad DATABASE_URL is shown with its password masked", () => {
  for (const url of ["mysql://app:hunter2-secret@db/app", "postgres://app:hunter2-secret@db:port/app"]) {
    assert.throws(
      () => loadConfig({ DATABASE_URL: url }),
      (e: Error) => /DATABASE_URL=.*app:\*\*\*\*@db/.test(e.message) && !e.message.includes("hunter2"),
    );
  }
});

Deno.test("network settings: public URL, allowed hosts, trusted origins, limits", () => {
  const c = loadConfig({
    PUBLIC_URL: "https://studio.example.com",
    ALLOWED_HOSTS: "studio.lan",
    TRUSTED_ORIGINS: "https://proxy.example.com",
    SSE_MAX_STREAMS_PER_CLIENT: "5",
  });
  assert.equal(c.publicOrigin, "https://studio.example.com");
  assert.deepEqual(c.allowedHosts, ["studio.lan"]);
  assert.deepEqual(c.trustedOrigins, ["https://proxy.example.com"]);
  assert.equal(c.sseMaxStreamsPerClient, 5);
  assert.throws(() => loadConfig({ PUBLIC_URL: "https://x.example/sub" }), /PUBLIC_URL=.*without a path/);
  assert.throws(() => loadConfig({ TRUSTED_ORIGINS: "x" }), /TRUSTED_ORIGINS/);
  assert.throws(() => loadConfig({ ALLOW_OPEN_ACCESS: "yes" }), /ALLOW_OPEN_ACCESS.*1 or 0/);
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

Deno.test("the prompt writer's settings: rules by default, a bad one named in one sentence", () => {
  assert.deepEqual(loadConfig({}).prompts, { provider: "rules" });
  assert.equal(
    loadConfig({ PROMPT_PROVIDER: "openai", PROMPT_API_URL: "http://127.0.0.1:11434/v1", PROMPT_MODEL: "m" }).prompts
      .chat?.model,
    "m",
  );
  assert.throws(
    () => loadConfig({ PROMPT_PROVIDER: "openai" }),
    (e: Error) => e instanceof ConfigError && /^The environment variable PROMPT_API_URL is not set/.test(e.message),
  );
});
