/** The run settings the engine's run operations take, from the configuration (routes and admin actions alike). */
import { type Config, generationServers } from "../../config.ts";
import type { RunSettings } from "./runs.ts";
import { imagesFirst } from "./scene_order.ts";

/** Tries per part, and whether runs make their images first (SCENE_ORDER, see ./scene_order.ts). */
export function runSettings(config: Config): RunSettings {
  const servers = generationServers(config);
  return { maxAttempts: config.maxAttempts, imagesFirst: imagesFirst(config.sceneOrder, servers.image, servers.video) };
}
