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
