/**
 * What the app knows about ComfyUI's node classes, for messages that say how to fix things: which
 * model folder a loader input reads from, which custom node pack provides a class, and which classes
 * are part of ComfyUI itself (missing ones mean the server is too old).
 */

/** Loader input name → folder under `ComfyUI/models/`. */
const MODEL_FOLDERS: Record<string, string> = {
  ckpt_name: "checkpoints",
  unet_name: "diffusion_models",
  clip_name: "text_encoders",
  clip_name1: "text_encoders",
  clip_name2: "text_encoders",
  clip_name3: "text_encoders",
  vae_name: "vae",
  lora_name: "loras",
  control_net_name: "controlnet",
  model_name: "upscale_models",
  clip_vision: "clip_vision",
};

/** The model folder a loader input reads from (`unet_name` → `diffusion_models`), if it is one. */
export function modelFolderFor(inputName: string): string | undefined {
  return MODEL_FOLDERS[inputName];
}

/** Core node classes the built-in workflows use: missing ones mean an old ComfyUI. */
const CORE_CLASSES = new Set([
  "CheckpointLoaderSimple",
  "UNETLoader",
  "CLIPLoader",
  "DualCLIPLoader",
  "VAELoader",
  "LoraLoaderModelOnly",
  "CLIPTextEncode",
  "EmptyLatentImage",
  "EmptySD3LatentImage",
  "KSampler",
  "KSamplerAdvanced",
  "VAEDecode",
  "SaveImage",
  "PreviewImage",
  "LoadImage",
  "ModelSamplingSD3",
  "Wan22ImageToVideoLatent",
  "WanImageToVideo",
  "CreateVideo",
  "SaveVideo",
  "SaveWEBM",
  "SaveAnimatedWEBP",
  "FluxGuidance",
  "RandomNoise",
  "KSamplerSelect",
  "BasicScheduler",
  "BasicGuider",
  "CFGGuider",
  "SamplerCustomAdvanced",
]);

/** Class name prefix → the custom node pack that provides it. */
const PACKS: [RegExp, string][] = [
  [/^VHS_/, "ComfyUI-VideoHelperSuite"],
  [/^WanVideo/, "ComfyUI-WanVideoWrapper"],
  [/GGUF/, "ComfyUI-GGUF"],
  [/^(ImageResizeKJ|GetImageSizeAndCount|.*KJ)$/, "ComfyUI-KJNodes"],
  [/^RIFE|^FILM/, "ComfyUI-Frame-Interpolation"],
];

/** How to get a node class the server lacks, as the end of a sentence ("…; install X …"). */
export function howToInstall(classType: string): string {
  if (CORE_CLASSES.has(classType)) {
    return `"${classType}" is part of ComfyUI itself, so this server is too old: update ComfyUI and restart it`;
  }
  const pack = PACKS.find(([pattern]) => pattern.test(classType))?.[1];
  return pack
    ? `install the custom node pack ${pack} (ComfyUI-Manager → Install Missing Custom Nodes) and restart ComfyUI`
    : `install the custom node pack that provides "${classType}" (ComfyUI-Manager → Install Missing Custom Nodes finds it) and restart ComfyUI`;
}
