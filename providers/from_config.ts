/**
 * The image and video providers a process uses, built once from the configuration: the worker
 * generates with them, the web server asks them about their servers (status, preflight). When
 * both parts use ComfyUI they share one instance (one WebSocket and client id per server).
 */
import type { Config } from "../config.ts";
import { createProvider } from "./registry.ts";
import type { MediaProvider } from "./types.ts";

/** A process's providers, and `close()` for shutdown (ComfyUI keeps WebSockets open). */
export interface Providers {
  image: MediaProvider;
  video: MediaProvider;
  close(): void;
}

/** Builds the providers named by IMAGE_PROVIDER and VIDEO_PROVIDER. */
export function providersFromConfig(config: Config): Providers {
  const options = {
    simulatedImageMs: config.simulatedImageMs,
    simulatedVideoMs: config.simulatedVideoMs,
    comfyui: config.comfyui ?? undefined,
  };
  const image = createProvider(config.imageProvider, options);
  const video = config.videoProvider === config.imageProvider ? image : createProvider(config.videoProvider, options);
  return {
    image,
    video,
    close() {
      for (const provider of new Set([image, video])) (provider as { close?: () => void }).close?.();
    },
  };
}
