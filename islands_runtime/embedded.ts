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
import { type BuildFile, type BuildIsland, type IslandsBuild, setCurrentIslandsBuild } from "./state.ts";

/** What the build recorded of the islands bundle it embedded. */
export interface EmbeddedIslands {
  /** The build's folder under `static/build/` (`islands-<hash>`), or null without islands. */
  dir: string | null;
  /** The entry's file name in that folder. */
  entry: string | null;
  hash: string | null;
  bytes: number;
  gzipBytes: number;
  islands: string[];
  /** Every file of the folder (all embedded), with its size and static imports. */
  files: Record<string, BuildFile>;
  /** Each island's chunk and when it loads. */
  chunks: Record<string, BuildIsland>;
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
  const { dir, entry } = embedded;
  const base = dir ? `${publicPath.replace(/\/$/, "")}/${dir}` : null;
  const build: IslandsBuild = {
    scriptPath: dir && entry ? join(staticDir, "build", dir, entry) : null,
    url: base && entry ? `${base}/${entry}` : null,
    baseUrl: base,
    bytes: embedded.bytes,
    gzipBytes: embedded.gzipBytes,
    islands: embedded.islands,
    hash: embedded.hash,
    files: embedded.files,
    entry,
    chunks: embedded.chunks,
    cached: true,
    ms: 0,
    components: embedded.components,
  };
  setCurrentIslandsBuild(build);
  return build;
}
