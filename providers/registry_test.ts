import assert from "node:assert/strict";
import { PROVIDER_NAMES, type ProviderName } from "./names.ts";
import { createProvider } from "./registry.ts";

Deno.test("the registry creates the draft and simulated providers", () => {
  assert.equal(createProvider("draft").name, "draft");
  assert.equal(createProvider("simulated", { simulatedImageMs: 0, simulatedVideoMs: 0 }).name, "simulated");
  assert.deepEqual([...PROVIDER_NAMES], ["draft", "simulated", "comfyui"]);
});

Deno.test("comfyui is refused with a sentence saying it comes later", () => {
  assert.throws(() => createProvider("comfyui"), /ComfyUI provider is not available yet/);
});

Deno.test("an unknown name is refused with the choices", () => {
  assert.throws(() => createProvider("dall-e" as ProviderName), /no provider called "dall-e".*draft, simulated/);
});
