/**
 * Shared constants and the process-wide "current islands build", set by
 * `buildIslands()` / `loadIslandsBuild()` and read when pages render.
 * Holds no server-only imports, so `client/boot.ts` can import the constants.
 *
 * @module
 */

/** Tag of the element wrapping each server-rendered island. */
export const ISLAND_TAG = "scene-island";
/** id of the `<script type="application/json">` with all islands' props. */
export const ISLAND_DATA_ID = "__scene_islands";

/** What a build produced; `url` is null when there are no islands. */
export interface IslandsBuild {
  /** Absolute path of the bundle, or null when the islands dir is empty. */
  scriptPath: string | null;
  /** Public URL of the bundle (e.g. `/static/build/islands-<hash>.js`). */
  url: string | null;
  /** Size of the bundle in bytes. */
  bytes: number;
  /** Size of the gzipped bundle (also written next to it as `.js.gz`). */
  gzipBytes: number;
  /** Island names in the bundle (file names in the islands dir). */
  islands: string[];
  /** Content hash in the file name, or null. */
  hash: string | null;
  /** True when the previous bundle was reused (sources unchanged). */
  cached: boolean;
  /** Wall time of buildIslands() in milliseconds. */
  ms: number;
  /**
   * Island component → name: how pages find their islands (by `vnode.type`). The build imports
   * the island modules on the server to fill it.
   */
  components: ReadonlyMap<unknown, string>;
}

let current: IslandsBuild | null = null;

/** Makes `build` the one pages use by default. */
export function setCurrentIslandsBuild(build: IslandsBuild | null): void {
  current = build;
}

/** The build pages use by default (null before buildIslands/loadIslandsBuild). */
export function currentIslandsBuild(): IslandsBuild | null {
  return current;
}
