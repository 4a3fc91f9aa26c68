/**
 * The fake ComfyUI's node classes: the inputs `/object_info` describes and `/prompt` validates, and
 * how each behaves when run (loads a model, samples with progress ticks, saves an image or a video).
 * Most render in the legacy (V1) format; `v3: true` classes render combos as `["COMBO", {options}]`
 * like ComfyUI's V3 nodes (FACTS.md §1.8).
 */

/** One input of a node class. */
export interface InputDef {
  /** INT, FLOAT, STRING, BOOLEAN, COMBO, or a link type (MODEL, CLIP, LATENT, …). */
  type: string;
  /** COMBO: fixed options, or the model folder whose files are the options ("input" = uploaded images). */
  options?: string[];
  folder?: string;
  min?: number;
  max?: number;
  default?: unknown;
}

/** One node class. */
export interface ClassDef {
  required: Record<string, InputDef>;
  optional?: Record<string, InputDef>;
  output: string[];
  outputNode?: boolean;
  /** Render combos in the V3 format. */
  v3?: boolean;
  /** What running it does. */
  role?: "loader" | "sampler" | "save-image" | "save-video" | "save-webm" | "save-webp" | "load-image";
  category?: string;
}

const link = (type: string): InputDef => ({ type });
const int = (min: number, max: number, def: number): InputDef => ({ type: "INT", min, max, default: def });
const float = (min: number, max: number, def: number): InputDef => ({ type: "FLOAT", min, max, default: def });
const text: InputDef = { type: "STRING", default: "" };
const combo = (options: string[]): InputDef => ({ type: "COMBO", options });
const models = (folder: string): InputDef => ({ type: "COMBO", folder });

const SAMPLERS = ["euler", "euler_ancestral", "heun", "dpm_2", "dpmpp_2m", "dpmpp_sde", "uni_pc", "lcm"];
const SCHEDULERS = ["simple", "normal", "karras", "exponential", "sgm_uniform", "beta"];
const MAX_SEED = 0xffffffffffffffff;
const size = (def: number) => int(16, 16384, def);

const sampler: ClassDef["required"] = {
  model: link("MODEL"),
  seed: int(0, MAX_SEED, 0),
  steps: int(1, 10000, 20),
  cfg: float(0, 100, 8),
  sampler_name: combo(SAMPLERS),
  scheduler: combo(SCHEDULERS),
  positive: link("CONDITIONING"),
  negative: link("CONDITIONING"),
  latent_image: link("LATENT"),
  denoise: float(0, 1, 1),
};

/** Every class the fake knows, by class_type. */
export const CATALOG: Record<string, ClassDef> = {
  CheckpointLoaderSimple: {
    required: { ckpt_name: models("checkpoints") },
    output: ["MODEL", "CLIP", "VAE"],
    role: "loader",
  },
  UNETLoader: {
    required: {
      unet_name: models("diffusion_models"),
      weight_dtype: combo(["default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"]),
    },
    output: ["MODEL"],
    role: "loader",
  },
  CLIPLoader: {
    required: {
      clip_name: models("text_encoders"),
      type: combo(["stable_diffusion", "stable_cascade", "sd3", "flux", "wan", "lumina2", "hidream", "qwen_image"]),
    },
    optional: { device: combo(["default", "cpu"]) },
    output: ["CLIP"],
    role: "loader",
  },
  DualCLIPLoader: {
    required: {
      clip_name1: models("text_encoders"),
      clip_name2: models("text_encoders"),
      type: combo(["sdxl", "sd3", "flux", "hunyuan_video"]),
    },
    optional: { device: combo(["default", "cpu"]) },
    output: ["CLIP"],
    role: "loader",
  },
  VAELoader: { required: { vae_name: models("vae") }, output: ["VAE"], role: "loader" },
  LoraLoaderModelOnly: {
    required: { model: link("MODEL"), lora_name: models("loras"), strength_model: float(-100, 100, 1) },
    output: ["MODEL"],
    role: "loader",
  },
  CLIPTextEncode: { required: { text, clip: link("CLIP") }, output: ["CONDITIONING"] },
  FluxGuidance: {
    required: { conditioning: link("CONDITIONING"), guidance: float(0, 100, 3.5) },
    output: ["CONDITIONING"],
  },
  EmptyLatentImage: {
    required: { width: size(512), height: size(512), batch_size: int(1, 4096, 1) },
    output: ["LATENT"],
  },
  EmptySD3LatentImage: {
    required: { width: size(1024), height: size(1024), batch_size: int(1, 4096, 1) },
    output: ["LATENT"],
  },
  ModelSamplingSD3: { required: { model: link("MODEL"), shift: float(0, 100, 3) }, output: ["MODEL"] },
  KSampler: { required: sampler, output: ["LATENT"], role: "sampler" },
  KSamplerAdvanced: {
    required: {
      model: link("MODEL"),
      add_noise: combo(["enable", "disable"]),
      noise_seed: int(0, MAX_SEED, 0),
      steps: int(1, 10000, 20),
      cfg: float(0, 100, 8),
      sampler_name: combo(SAMPLERS),
      scheduler: combo(SCHEDULERS),
      positive: link("CONDITIONING"),
      negative: link("CONDITIONING"),
      latent_image: link("LATENT"),
      start_at_step: int(0, 10000, 0),
      end_at_step: int(0, 10000, 10000),
      return_with_leftover_noise: combo(["disable", "enable"]),
    },
    output: ["LATENT"],
    role: "sampler",
  },
  RandomNoise: { required: { noise_seed: int(0, MAX_SEED, 0) }, output: ["NOISE"] },
  KSamplerSelect: { required: { sampler_name: combo(SAMPLERS) }, output: ["SAMPLER"] },
  BasicScheduler: {
    required: { model: link("MODEL"), scheduler: combo(SCHEDULERS), steps: int(1, 10000, 20), denoise: float(0, 1, 1) },
    output: ["SIGMAS"],
  },
  BasicGuider: { required: { model: link("MODEL"), conditioning: link("CONDITIONING") }, output: ["GUIDER"] },
  SamplerCustomAdvanced: {
    required: {
      noise: link("NOISE"),
      guider: link("GUIDER"),
      sampler: link("SAMPLER"),
      sigmas: link("SIGMAS"),
      latent_image: link("LATENT"),
    },
    output: ["LATENT", "LATENT"],
    role: "sampler",
  },
  VAEDecode: { required: { samples: link("LATENT"), vae: link("VAE") }, output: ["IMAGE"] },
  LoadImage: { required: { image: models("input") }, output: ["IMAGE", "MASK"], role: "load-image" },
  SaveImage: {
    required: { images: link("IMAGE"), filename_prefix: { type: "STRING", default: "ComfyUI" } },
    output: [],
    outputNode: true,
    role: "save-image",
  },
  PreviewImage: { required: { images: link("IMAGE") }, output: [], outputNode: true, role: "save-image" },
  Wan22ImageToVideoLatent: {
    required: {
      vae: link("VAE"),
      width: int(32, 16384, 1280),
      height: int(32, 16384, 704),
      length: int(1, 16384, 49),
      batch_size: int(1, 4096, 1),
    },
    optional: { start_image: link("IMAGE") },
    output: ["LATENT"],
    v3: true,
  },
  WanImageToVideo: {
    required: {
      positive: link("CONDITIONING"),
      negative: link("CONDITIONING"),
      vae: link("VAE"),
      width: size(832),
      height: size(480),
      length: int(1, 16384, 81),
      batch_size: int(1, 4096, 1),
    },
    optional: { clip_vision_output: link("CLIP_VISION_OUTPUT"), start_image: link("IMAGE") },
    output: ["CONDITIONING", "CONDITIONING", "LATENT"],
    v3: true,
  },
  CreateVideo: {
    required: { images: link("IMAGE"), fps: float(1, 120, 30) },
    optional: { audio: link("AUDIO") },
    output: ["VIDEO"],
    v3: true,
  },
  SaveVideo: {
    required: {
      video: link("VIDEO"),
      filename_prefix: { type: "STRING", default: "video/ComfyUI" },
      format: combo(["auto", "mp4"]),
      codec: combo(["auto", "h264"]),
    },
    output: [],
    outputNode: true,
    v3: true,
    role: "save-video",
  },
  SaveWEBM: {
    required: {
      images: link("IMAGE"),
      filename_prefix: { type: "STRING", default: "ComfyUI" },
      codec: combo(["vp9", "av1"]),
      fps: float(0.01, 1000, 24),
      crf: float(0, 63, 32),
    },
    output: [],
    outputNode: true,
    v3: true,
    role: "save-webm",
  },
  SaveAnimatedWEBP: {
    required: {
      images: link("IMAGE"),
      filename_prefix: { type: "STRING", default: "ComfyUI" },
      fps: float(0.01, 1000, 6),
      lossless: { type: "BOOLEAN", default: true },
      quality: int(0, 100, 80),
      method: combo(["default", "fastest", "slowest"]),
    },
    output: [],
    outputNode: true,
    role: "save-webp",
  },
};

/** `/object_info` for one class, with combo options filled in by `optionsFor(folder)`. */
export function renderClass(name: string, def: ClassDef, optionsFor: (folder: string) => string[]) {
  const render = (input: InputDef): unknown[] => {
    const { type, options, folder, ...rest } = input;
    const extra = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (type !== "COMBO") return Object.keys(extra).length ? [type, extra] : [type];
    const list = options ?? optionsFor(folder!);
    if (def.v3) return ["COMBO", { ...extra, options: list, multiselect: false }];
    return folder === "input" ? [list, { image_upload: true }] : [list, extra];
  };
  const section = (inputs?: Record<string, InputDef>) =>
    inputs ? Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, render(v)])) : undefined;
  return {
    input: { required: section(def.required), ...(def.optional ? { optional: section(def.optional) } : {}) },
    input_order: {
      required: Object.keys(def.required),
      ...(def.optional ? { optional: Object.keys(def.optional) } : {}),
    },
    output: def.output,
    output_is_list: def.output.map(() => false),
    output_name: def.output,
    name,
    display_name: name,
    description: "",
    python_module: def.v3 ? "comfy_extras.nodes_fake" : "nodes",
    category: def.category ?? "fake",
    output_node: def.outputNode ?? false,
    deprecated: false,
    experimental: false,
  };
}
