/**
 * Picks the provider named in the configuration. The config layer validates the name against
 * {@link PROVIDER_NAMES} first; this is the single place that turns a name into an instance.
 */
import { createComfyUIProvider } from "./comfyui/provider.ts";
import type { ComfyUISettings } from "./comfyui/settings.ts";
import { createDraftProvider } from "./draft.ts";
import { createSimulatedProvider } from "./simulated.ts";
import { PROVIDER_NAMES, type ProviderName } from "./names.ts";
import type { MediaProvider } from "./types.ts";

/** Settings the providers take from the app configuration. */
export interface ProviderOptions {
  /** Simulated image duration in ms (SIMULATED_IMAGE_MS); 0 = immediate. */
  simulatedImageMs?: number;
  /** Simulated video duration in ms (SIMULATED_VIDEO_MS); 0 = immediate. */
  simulatedVideoMs?: number;
  /** ComfyUI settings (from `loadComfyUISettings` in providers/comfyui/settings.ts); needed for "comfyui". */
  comfyui?: ComfyUISettings;
}

/**
 * Creates the provider called `name`. Throws an Error with a sentence to act on for "comfyui"
 * without `options.comfyui`, and for names that are not providers.
 */
export function createProvider(name: ProviderName, options: ProviderOptions = {}): MediaProvider {
  switch (name) {
    case "draft":
      return createDraftProvider();
    case "simulated":
      return createSimulatedProvider({ imageMs: options.simulatedImageMs, videoMs: options.simulatedVideoMs });
    case "comfyui":
      if (!options.comfyui) {
        throw new Error(
          "The ComfyUI provider needs its settings: set COMFYUI_URL (e.g. http://gpu-box:8188) and read them with loadComfyUISettings.",
        );
      }
      return createComfyUIProvider(options.comfyui);
    default:
      throw new Error(`There is no provider called "${String(name)}". Choose one of: ${PROVIDER_NAMES.join(", ")}.`);
  }
}
