/**
 * The built-in workflows (the project's own API-format templates, written from FACTS.md §4–5) and
 * what the app needs to know about each: which inputs take the job's values, the frame grid and
 * sizes of the model, and the model files it needs with the ComfyUI folder each goes in (the
 * README's model table is this list). JSON is imported, not read, so it bundles into one file.
 */
import type { MediaKind } from "../../types.ts";
import type { BindingMap } from "../bindings.ts";
import type { ApiGraph } from "../graph.ts";
import type { FrameGrid, SizeRule } from "../timing.ts";
import fluxSchnell from "./flux_schnell.json" with { type: "json" };
import sdxl from "./sdxl.json" with { type: "json" };
import zImageTurbo from "./z_image_turbo.json" with { type: "json" };
import wan22_5b from "./wan22_5b.json" with { type: "json" };
import wan22_14b from "./wan22_14b.json" with { type: "json" };
import wan22_14b_4step from "./wan22_14b_4step.json" with { type: "json" };

/** A model file a workflow loads, and the folder under `ComfyUI/models/` it belongs in. */
export interface ModelFile {
  file: string;
  folder: "checkpoints" | "diffusion_models" | "text_encoders" | "vae" | "loras";
}

/**
 * What the provider needs of any workflow, built-in or a creator's own (../workflow.ts): the graph,
 * where the job's values go, sizes, frame grid and model files.
 */
export interface WorkflowDefinition {
  kind: MediaKind;
  graph: ApiGraph;
  bindings: BindingMap;
  size: SizeRule;
  /** Videos only: the frame grid. */
  grid?: FrameGrid;
  /** Model files and their folders (built-in workflows; custom ones are checked by input name). */
  models: ModelFile[];
  /** A lighter preset to suggest when this one runs out of GPU memory. */
  lighter?: string;
}

/** A built-in workflow and its metadata. */
export interface WorkflowPreset extends WorkflowDefinition {
  name: string;
  /** What it is, for the README and the status page. */
  description: string;
}

const ref = (node: string, input: string) => [{ node, input }];
const none = [] as { node: string; input: string }[];

const WAN_TEXT: ModelFile = { file: "umt5_xxl_fp8_e4m3fn_scaled.safetensors", folder: "text_encoders" };
const WAN14_MODELS: ModelFile[] = [
  { file: "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", folder: "diffusion_models" },
  { file: "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors", folder: "diffusion_models" },
  WAN_TEXT,
  { file: "wan_2.1_vae.safetensors", folder: "vae" },
];
const wan14Bindings: BindingMap = {
  prompt: ref("5", "text"),
  negative: ref("6", "text"),
  seed: ref("13", "noise_seed"),
  image: ref("7", "image"),
  width: ref("8", "width"),
  height: ref("8", "height"),
  frames: ref("8", "length"),
  fps: ref("16", "fps"),
  output: "17",
};
const imageBindings = (prompt: string, negative: string, sampler: string, latent: string, output: string) => ({
  prompt: ref(prompt, "text"),
  negative: ref(negative, "text"),
  seed: ref(sampler, "seed"),
  image: none,
  width: ref(latent, "width"),
  height: ref(latent, "height"),
  frames: none,
  fps: none,
  output,
});

/** Every built-in workflow, by name. */
export const PRESETS: Record<string, WorkflowPreset> = {
  "flux-schnell": {
    name: "flux-schnell",
    kind: "image",
    description: "FLUX.1 schnell, fp8 single-file checkpoint, 4 steps (about 17 GB of VRAM)",
    graph: fluxSchnell as ApiGraph,
    bindings: imageBindings("2", "3", "5", "4", "7"),
    size: { multiple: 16, landscape: { width: 1280, height: 720 } },
    models: [{ file: "flux1-schnell-fp8.safetensors", folder: "checkpoints" }],
    lighter: "sdxl",
  },
  "sdxl": {
    name: "sdxl",
    kind: "image",
    description: "Stable Diffusion XL base 1.0, 25 steps (about 8 GB of VRAM)",
    graph: sdxl as ApiGraph,
    bindings: imageBindings("2", "3", "5", "4", "7"),
    size: { multiple: 64, landscape: { width: 1344, height: 768 } },
    models: [{ file: "sd_xl_base_1.0.safetensors", folder: "checkpoints" }],
  },
  "z-image-turbo": {
    name: "z-image-turbo",
    kind: "image",
    description: "Z-Image Turbo, bf16, 9 steps (about 16 GB of VRAM)",
    graph: zImageTurbo as ApiGraph,
    bindings: imageBindings("4", "5", "7", "6", "9"),
    size: { multiple: 16, landscape: { width: 1280, height: 720 } },
    models: [
      { file: "z_image_turbo_bf16.safetensors", folder: "diffusion_models" },
      { file: "qwen_3_4b.safetensors", folder: "text_encoders" },
      { file: "ae.safetensors", folder: "vae" },
    ],
    lighter: "sdxl",
  },
  "wan22-5b": {
    name: "wan22-5b",
    kind: "video",
    description: "Wan 2.2 TI2V 5B image-to-video, 1280×704 at 24 fps, 20 steps (fits a 24 GB card)",
    graph: wan22_5b as ApiGraph,
    bindings: {
      prompt: ref("4", "text"),
      negative: ref("5", "text"),
      seed: ref("9", "seed"),
      image: ref("6", "image"),
      width: ref("7", "width"),
      height: ref("7", "height"),
      frames: ref("7", "length"),
      fps: ref("11", "fps"),
      output: "12",
    },
    size: { multiple: 32, landscape: { width: 1280, height: 704 } },
    grid: { fps: 24, maxFrames: 121 },
    models: [
      { file: "wan2.2_ti2v_5B_fp16.safetensors", folder: "diffusion_models" },
      WAN_TEXT,
      { file: "wan2.2_vae.safetensors", folder: "vae" },
    ],
  },
  "wan22-14b": {
    name: "wan22-14b",
    kind: "video",
    description: "Wan 2.2 I2V A14B fp8, two stages, 832×480 at 16 fps, 20 steps (about 8–9 minutes a clip on 24 GB)",
    graph: wan22_14b as ApiGraph,
    bindings: wan14Bindings,
    size: { multiple: 16, landscape: { width: 832, height: 480 } },
    grid: { fps: 16, maxFrames: 81 },
    models: WAN14_MODELS,
    lighter: "wan22-5b",
  },
  "wan22-14b-4step": {
    name: "wan22-14b-4step",
    kind: "video",
    description: "Wan 2.2 I2V A14B fp8 with the LightX2V 4-step LoRAs, 832×480 at 16 fps (about 1.5 minutes a clip)",
    graph: wan22_14b_4step as ApiGraph,
    bindings: wan14Bindings,
    size: { multiple: 16, landscape: { width: 832, height: 480 } },
    grid: { fps: 16, maxFrames: 81 },
    models: [
      ...WAN14_MODELS,
      { file: "wan2.2_i2v_lightx2v_4steps_lora_v1_high_noise.safetensors", folder: "loras" },
      { file: "wan2.2_i2v_lightx2v_4steps_lora_v1_low_noise.safetensors", folder: "loras" },
    ],
    lighter: "wan22-5b",
  },
};

/** Preset names per kind, defaults first. */
export const PRESET_NAMES: Record<MediaKind, string[]> = {
  image: ["flux-schnell", "sdxl", "z-image-turbo"],
  video: ["wan22-5b", "wan22-14b", "wan22-14b-4step"],
};
