/** Every image/video provider name the configuration may hold: the one list config and registry share. */
export const PROVIDER_NAMES = ["draft", "simulated", "comfyui"] as const;

/** A provider name. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];
