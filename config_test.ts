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
