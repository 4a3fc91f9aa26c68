/** The run settings the engine's run operations take, from the configuration (routes and admin actions alike). */
import { type Config, generationServers, partServers } from "../../config.ts";
import type { RunSettings } from "./runs.ts";
import { imagesFirst } from "./scene_order.ts";

/**
 * Tries per part, whether runs make their images first (SCENE_ORDER, see ./scene_order.ts), and the
 * GPU servers each kind is spread over (./gpu_servers.ts).
 */
export function runSettings(config: Config): RunSettings {
  const servers = generationServers(config);
  return {
    maxAttempts: config.maxAttempts,
    imagesFirst: imagesFirst(config.sceneOrder, servers.image, servers.video),
    servers: partServers(config),
  };
}
