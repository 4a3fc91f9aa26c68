import assert from "node:assert/strict";
import { startFakeComfyUI } from "../../tests/fakes/comfyui_server.ts";
import { ProviderError } from "../types.ts";
import { parseBindingFile } from "./bindings.ts";
import { ComfyClient } from "./client.ts";
import type { ApiGraph } from "./graph.ts";
import { preflightWorkflow } from "./preflight.ts";
import { customWorkflow, presetWorkflow, type Workflow } from "./workflow.ts";
import { PRESETS } from "./workflows/presets.ts";
import wan14Example from "./testdata/comfyui_examples_wan22_14B_i2v.api.json" with { type: "json" };
import fluxDev from "./testdata/comfyui_examples_flux_dev_checkpoint.api.json" with { type: "json" };

/** Runs preflight against a fresh fake set up by `arrange`; returns the sentence, or "ok". */
async function preflight(
  workflow: Workflow,
  arrange: (fake: Awaited<ReturnType<typeof startFakeComfyUI>>) => void = () => {},
): Promise<string> {
  const fake = await startFakeComfyUI();
  try {
    arrange(fake);
    const client = new ComfyClient({ baseUrl: fake.url, clientId: "preflight-test" });
    await preflightWorkflow(workflow, fake.url, (c) => client.nodeInfo(c));
    return "ok";
  } catch (error) {
    assert.ok(error instanceof ProviderError, String(error));
    assert.equal(error.transient, false);
    return error.message.replace(/http:\/\/127\.0\.0\.1:\d+/g, "SERVER");
  } finally {
    await fake.close();
  }
}

Deno.test("every built-in workflow passes on a server that has its models and nodes", async () => {
  for (const preset of Object.values(PRESETS)) {
    assert.equal(await preflight(presetWorkflow(preset.name, preset.kind)), "ok", preset.name);
  }
});

Deno.test("missing model files: one sentence with each file and its folder", async () => {
  const message = await preflight(presetWorkflow("wan22-5b", "video"), (fake) => {
    fake.models.diffusion_models = ["flux1-dev.safetensors"];
    fake.models.vae = [];
  });
  assert.equal(
    message,
    'The ComfyUI server at SERVER lacks 2 model files that the built-in "wan22-5b" workflow needs: put wan2.2_ti2v_5B_fp16.safetensors in ComfyUI/models/diffusion_models/, wan2.2_vae.safetensors in ComfyUI/models/vae/ (first used by node 1 (Load Diffusion Model (Wan 2.2 TI2V 5B))), then restart ComfyUI or refresh its model list.',
  );
});

Deno.test("a LoRA missing from the 4-step workflow is found through V1 combos", async () => {
  const message = await preflight(presetWorkflow("wan22-14b-4step", "video"), (fake) => {
    fake.models.loras = fake.models.loras.filter((f) => !f.includes("low_noise"));
  });
  assert.match(
    message,
    /lacks a model file .*: put wan2\.2_i2v_lightx2v_4steps_lora_v1_low_noise\.safetensors in ComfyUI\/models\/loras\//,
  );
});

Deno.test("a node class the server lacks: core ones say update ComfyUI, others name the pack", async () => {
  const core = await preflight(
    presetWorkflow("wan22-5b", "video"),
    (fake) => delete fake.catalog.Wan22ImageToVideoLatent,
  );
  assert.match(
    core,
    /^The ComfyUI server at SERVER has no node type "Wan22ImageToVideoLatent", which node 7 \(Video Size and Length\) of the built-in "wan22-5b" workflow needs: "Wan22ImageToVideoLatent" is part of ComfyUI itself, so this server is too old: update ComfyUI and restart it\.$/,
  );
  const graph = structuredClone(PRESETS["wan22-5b"].graph) as ApiGraph;
  graph["12"] = {
    class_type: "VHS_VideoCombine",
    inputs: { images: ["10", 0], frame_rate: 24, filename_prefix: "x", format: "video/h264-mp4" },
    _meta: { title: "Video Combine" },
  };
  delete graph["11"];
  const custom = await preflight(customWorkflow("video", graph, undefined, "the workflow in mine.json"));
  assert.match(
    custom,
    /no node type "VHS_VideoCombine", which node 12 \(Video Combine\) .*install the custom node pack ComfyUI-VideoHelperSuite/,
  );
});

Deno.test("a custom workflow: bindings are inferred, and what cannot be is asked for with an example", async () => {
  // The ComfyUI_examples Wan 14B graph saves WebP and WebM only: inferred fine, but not an MP4.
  const webm = await preflight(
    customWorkflow("video", wan14Example as ApiGraph, undefined, "the workflow in wan14.json"),
  );
  assert.match(
    webm,
    /comes from node 47 \(SaveWEBM\), a SaveWEBM; Scene Studio needs an MP4, so end the workflow with a Save Video node/,
  );
  // A Flux graph used as a video workflow has no start image.
  const noImage = await preflight(customWorkflow("video", fluxDev as ApiGraph, undefined, "the workflow in flux.json"));
  assert.match(
    noImage,
    /^Scene Studio cannot tell which node of the workflow in flux\.json takes the start image and the result \(the node that saves it\): name it in a binding file set in COMFYUI_VIDEO_BINDINGS, e\.g\. \{"image": "12\.image", "output": "9"\}\.$/,
  );
  // A binding that points nowhere, and one at an input the class does not have on the server.
  const dangling = await preflight(
    customWorkflow("image", fluxDev as ApiGraph, parseBindingFile({ prompt: "60.text" }), "the workflow in flux.json"),
  );
  assert.match(
    dangling,
    /"prompt" points at node 60, which the workflow does not have; fix the file set in COMFYUI_IMAGE_BINDINGS/,
  );
  const graph = structuredClone(fluxDev) as ApiGraph;
  graph["6"].inputs.txt = "";
  const wrongInput = await preflight(
    customWorkflow("image", graph, parseBindingFile({ prompt: "6.txt" }), "the workflow in flux.json"),
  );
  assert.match(
    wrongInput,
    /node 6 \(CLIPTextEncode\) has no input "txt" for the prompt: fix the binding in COMFYUI_IMAGE_BINDINGS/,
  );
});

Deno.test('combos in ComfyUI\'s V3 format (["COMBO", {options}]) are read like V1 ones', async () => {
  const graph = structuredClone(PRESETS["wan22-5b"].graph) as ApiGraph;
  graph["12"].inputs.codec = "av1";
  assert.match(
    await preflight(customWorkflow("video", graph, undefined, "the workflow in wan.json")),
    /node 12 \(Save Video\) of the workflow in wan\.json asks for codec "av1", which the server does not offer \(it has auto, h264\)/,
  );
});

Deno.test("a custom workflow that fits the server passes, and non-model combos are checked too", async () => {
  const fluxGraph = structuredClone(fluxDev) as ApiGraph;
  fluxGraph["30"].inputs.ckpt_name = "flux1-schnell-fp8.safetensors";
  assert.equal(await preflight(customWorkflow("image", fluxGraph, undefined, "the workflow in flux.json")), "ok");
  fluxGraph["31"].inputs.sampler_name = "res_multistep";
  assert.match(
    await preflight(customWorkflow("image", fluxGraph, undefined, "the workflow in flux.json")),
    /node 31 \(KSampler\) of the workflow in flux\.json asks for sampler_name "res_multistep", which the server does not offer \(it has euler, .*\): update ComfyUI or change the workflow\./,
  );
});
