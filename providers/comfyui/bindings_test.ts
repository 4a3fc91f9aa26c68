import assert from "node:assert/strict";
import {
  applyBindings,
  type BindingMap,
  inferBindings,
  type InputRef,
  missingBindings,
  parseBindingFile,
} from "./bindings.ts";
import type { ApiGraph } from "./graph.ts";
import { PRESETS } from "./workflows/presets.ts";
import flux1DevCheckpoint from "./testdata/comfyui_examples_flux_dev_checkpoint.api.json" with { type: "json" };
import fluxSplit from "./testdata/comfyui_examples_flux_schnell_split_files.api.json" with { type: "json" };
import sdxlRefiner from "./testdata/comfyui_examples_sdxl_refiner.api.json" with { type: "json" };
import wan14Example from "./testdata/comfyui_examples_wan22_14B_i2v.api.json" with { type: "json" };
import wan14Lora from "./testdata/wan22_14B_i2v_lightx2v_4step.api.json" with { type: "json" };
import wan5Template from "./testdata/wan22_5B_ti2v_i2v.api.json" with { type: "json" };

/** "6.text" shorthand for the expected refs. */
const refs = (...list: string[]): InputRef[] =>
  list.map((s) => ({ node: s.slice(0, s.indexOf(".")), input: s.slice(s.indexOf(".") + 1) }));

const cases: { name: string; graph: ApiGraph; kind: "image" | "video"; expected: Partial<BindingMap> }[] = [
  {
    name: "Flux dev checkpoint (prompt behind FluxGuidance, no titles)",
    graph: flux1DevCheckpoint as ApiGraph,
    kind: "image",
    expected: {
      prompt: refs("6.text"),
      negative: refs("33.text"),
      seed: refs("31.seed"),
      width: refs("27.width"),
      height: refs("27.height"),
      image: [],
      frames: [],
      output: "9",
    },
  },
  {
    name: "Flux schnell split files (BasicGuider, RandomNoise)",
    graph: fluxSplit as ApiGraph,
    kind: "image",
    expected: {
      prompt: refs("6.text"),
      negative: [],
      seed: refs("25.noise_seed"),
      width: refs("5.width"),
      output: "9",
    },
  },
  {
    name: "SDXL base + refiner (two prompts, the second stage adds no noise)",
    graph: sdxlRefiner as ApiGraph,
    kind: "image",
    expected: {
      prompt: refs("6.text", "15.text"),
      negative: refs("7.text", "16.text"),
      seed: refs("10.noise_seed"),
      output: "19",
    },
  },
  {
    name: "Wan 2.2 5B template (titles, latent start image, CreateVideo fps)",
    graph: wan5Template as ApiGraph,
    kind: "video",
    expected: {
      prompt: refs("6.text"),
      negative: refs("7.text"),
      seed: refs("3.seed"),
      image: refs("56.image"),
      width: refs("55.width"),
      height: refs("55.height"),
      frames: refs("55.length"),
      fps: refs("57.fps"),
      output: "58",
    },
  },
  {
    name: "Wan 2.2 14B with LightX2V (two samplers, only the first adds noise)",
    graph: wan14Lora as ApiGraph,
    kind: "video",
    expected: {
      prompt: refs("93.text"),
      negative: refs("89.text"),
      seed: refs("86.noise_seed"),
      image: refs("97.image"),
      frames: refs("98.length"),
      fps: refs("94.fps"),
      output: "108",
    },
  },
  {
    name: "Wan 2.2 14B example (WebP and WebM outputs, no SaveVideo)",
    graph: wan14Example as ApiGraph,
    kind: "video",
    expected: { seed: refs("57.noise_seed"), image: refs("52.image"), fps: refs("28.fps", "47.fps"), output: "47" },
  },
];

Deno.test("bindings are inferred from class types and titles on the reference workflows", () => {
  for (const { name, graph, kind, expected } of cases) {
    const bindings = inferBindings(graph, kind);
    for (const [slot, value] of Object.entries(expected)) {
      assert.deepEqual(bindings[slot as keyof BindingMap], value, `${name}: ${slot}`);
    }
    assert.deepEqual(missingBindings(bindings, kind), [], name);
  }
});

Deno.test("inference agrees with the explicit bindings of every built-in workflow", () => {
  for (const preset of Object.values(PRESETS)) {
    const inferred = inferBindings(preset.graph, preset.kind);
    for (const slot of ["prompt", "negative", "seed", "image", "width", "height", "frames", "fps", "output"] as const) {
      assert.deepEqual(inferred[slot], preset.bindings[slot], `${preset.name}: ${slot}`);
    }
  }
});

Deno.test("a binding map wins over inference, and {{tags}} win over titles", () => {
  const graph: ApiGraph = {
    "1": { class_type: "CLIPTextEncode", inputs: { text: "", clip: ["9", 1] }, _meta: { title: "Positive Prompt" } },
    "2": { class_type: "CLIPTextEncode", inputs: { text: "{{prompt}}", clip: ["9", 1] }, _meta: { title: "Style" } },
    "3": { class_type: "MySeedNode", inputs: { value: 5 }, _meta: { title: "Seed {{seed}}" } },
    "4": { class_type: "SaveImage", inputs: { images: ["5", 0], filename_prefix: "x" } },
  };
  assert.deepEqual(inferBindings(graph, "image").prompt, refs("2.text"));
  assert.deepEqual(inferBindings(graph, "image", { prompt: refs("1.text") }).prompt, refs("1.text"));
  // A title tag with an input the app cannot guess binds nothing; the binding file must say it.
  assert.deepEqual(inferBindings(graph, "image").seed, []);
  assert.deepEqual(inferBindings(graph, "image", { seed: refs("3.value") }).seed, refs("3.value"));
});

Deno.test("what cannot be inferred is reported per kind", () => {
  const graph: ApiGraph = {
    "1": { class_type: "CLIPTextEncode", inputs: { text: "a", clip: ["9", 1] } },
    "2": { class_type: "CLIPTextEncode", inputs: { text: "b", clip: ["9", 1] } },
    "3": { class_type: "LoadImage", inputs: { image: "a.png" } },
    "4": { class_type: "LoadImage", inputs: { image: "b.png" } },
    "5": { class_type: "SaveImage", inputs: { images: ["1", 0], filename_prefix: "x" } },
  };
  assert.deepEqual(missingBindings(inferBindings(graph, "image"), "image"), ["prompt"]);
  assert.deepEqual(missingBindings(inferBindings(graph, "video"), "video"), ["prompt", "image", "output"]);
});

Deno.test("applyBindings writes every value into a copy, with a fresh filename prefix", () => {
  const preset = PRESETS["wan22-14b-4step"];
  const original = JSON.stringify(preset.graph);
  const graph = applyBindings(preset.graph, preset.bindings, {
    prompt: "waves",
    negative: "blur",
    seed: 2 ** 53 - 1,
    image: "scene-1.png",
    width: 480,
    height: 832,
    frames: 65,
    fps: 16,
    filenamePrefix: "scene-studio/video-abc",
  });
  assert.equal(JSON.stringify(preset.graph), original, "the template is untouched");
  assert.equal(graph["5"].inputs.text, "waves");
  assert.equal(graph["6"].inputs.text, "blur");
  assert.equal(graph["13"].inputs.noise_seed, 2 ** 53 - 1);
  assert.equal(graph["14"].inputs.noise_seed, 0, "the second stage keeps its seed");
  assert.equal(graph["7"].inputs.image, "scene-1.png");
  assert.deepEqual([graph["8"].inputs.width, graph["8"].inputs.height, graph["8"].inputs.length], [480, 832, 65]);
  assert.equal(graph["17"].inputs.filename_prefix, "scene-studio/video-abc");
  const keepsNegative = applyBindings(preset.graph, preset.bindings, { prompt: "x", seed: 1, filenamePrefix: "p" });
  assert.equal(
    keepsNegative["6"].inputs.text,
    preset.graph["6"].inputs.text,
    "no negative given: the workflow's own stays",
  );
});

Deno.test("binding files take objects, dotted strings and lists, and name what is wrong", () => {
  const file = parseBindingFile({
    prompt: "6.text",
    seed: [{ node: 3, input: "seed" }, "4.noise_seed"],
    output: 9,
    nativeFps: 16,
    maxFrames: 97,
  });
  assert.deepEqual(file.bindings.prompt, refs("6.text"));
  assert.deepEqual(file.bindings.seed, refs("3.seed", "4.noise_seed"));
  assert.equal(file.bindings.output, "9");
  assert.equal(file.nativeFps, 16);
  assert.equal(file.maxFrames, 97);
  assert.throws(() => parseBindingFile({ prompt: "six" }), /"prompt": write a node input as "<node id>.<input name>"/);
  assert.throws(() => parseBindingFile({ promt: "6.text" }), /promt|Unrecognized key/);
});
