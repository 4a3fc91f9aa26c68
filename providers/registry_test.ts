import assert from "node:assert/strict";
import { loadComfyUISettings } from "./comfyui/settings.ts";
import { PROVIDER_NAMES, type ProviderName } from "./names.ts";
import { createProvider } from "./registry.ts";

Deno.test("the registry creates the draft and simulated providers", () => {
  assert.equal(createProvider("draft").name, "draft");
  assert.equal(createProvider("simulated", { simulatedImageMs: 0, simulatedVideoMs: 0 }).name, "simulated");
  assert.deepEqual([...PROVIDER_NAMES], ["draft", "simulated", "comfyui"]);
});

Deno.test("comfyui without settings is refused with a sentence saying what to set", () => {
  assert.throws(() => createProvider("comfyui"), /ComfyUI provider needs its settings: set COMFYUI_URL/);
});

Deno.test("comfyui with settings builds the ComfyUI provider for both parts", () => {
  const comfyui = loadComfyUISettings({ COMFYUI_URL: "http://127.0.0.1:9" }, { image: true, video: true });
  const provider = createProvider("comfyui", { comfyui });
  assert.equal(provider.name, "comfyui");
  assert.equal(provider.serverKey?.("video"), "http://127.0.0.1:9");
  assert.deepEqual(provider.videoTiming?.(5), { frames: 121, fps: 24, seconds: 121 / 24 });
});

Deno.test("an unknown name is refused with the choices", () => {
  assert.throws(
    () => createProvider("dall-e" as ProviderName),
    /no provider called "dall-e".*draft, simulated, comfyui/,
  );
});
