/** The run settings routes pass to the engine, from the configuration (one place for all routes). */
import { generationServers } from "../../config.ts";
import type { Config } from "../../config.ts";
import type { RunSettings } from "../../core/engine/runs.ts";
import { imagesFirst } from "../../core/engine/scene_order.ts";

export function runSettings(config: Config): RunSettings {
  const servers = generationServers(config);
  return { maxAttempts: config.maxAttempts, imagesFirst: imagesFirst(config.sceneOrder, servers.image, servers.video) };
}
