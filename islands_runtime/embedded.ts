/**
 * The islands bundle of the one-file build (`dist/studio.js`): built by scripts/build_dist.ts with
 * {@link buildIslands} at build time, every file of its folder (entry and chunks, each with its
 * `.gz`) embedded with the static files (core/system/assets.ts), and
 * registered here together with the island components, which the generated module imports
 * statically (the bundle has no islands/ folder to scan and no `deno bundle` to run).
 *
 * @module
 */
import { join } from "node:path";
import { assetPath } from "../core/system/assets.ts";
import { type BundleRecord, islandsBuildFrom } from "./bundle_record.ts";
import { type IslandsBuild, setCurrentIslandsBuild } from "./state.ts";

/** What the build recorded of the islands bundle it embedded, and the island components. */
export interface EmbeddedIslands extends BundleRecord {
  /** Island component → name, as buildIslands() finds them. */
  components: ReadonlyMap<unknown, string>;
}

let embedded: EmbeddedIslands | undefined;

/** Registers the embedded islands bundle (the generated module of the one-file build calls it). */
export function registerEmbeddedIslands(islands: EmbeddedIslands): void {
  embedded = islands;
}

/** Whether this process carries a built islands bundle (the one-file build). */
export function hasEmbeddedIslands(): boolean {
  return embedded !== undefined;
}

/**
 * Makes the embedded bundle the current islands build, served from the extracted static folder
 * (call extractEmbeddedAssets() first). The counterpart of buildIslands() at start-up.
 */
export function useEmbeddedIslands(publicPath = "/static/build"): IslandsBuild {
  if (!embedded) throw new Error("This build of Scene Studio carries no islands bundle.");
  const staticDir = assetPath("static");
  if (!staticDir) throw new Error("The one-file build serves its islands only after extractEmbeddedAssets().");
  const build = islandsBuildFrom(embedded, join(staticDir, "build"), publicPath, {
    cached: true,
    ms: 0,
    components: embedded.components,
  });
  setCurrentIslandsBuild(build);
  return build;
}
