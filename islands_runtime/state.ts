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

/**
 * When an island's code is loaded: `"load"` at once (the page preloads it and hydrates it before it
 * is ready), `"idle"` once the page's `"load"` islands are hydrated and the browser is idle (an
 * island not needed before the page is interactive: dialogs, notices). An island file chooses with
 * `export const hydration = "idle";` (default `"load"`).
 */
export type IslandHydration = "load" | "idle";

/** One file of a build: its size, its gzipped size and the files it imports statically. */
export interface BuildFile {
  bytes: number;
  gzipBytes: number;
  /** Files of the same build this one imports statically (loaded with it). */
  imports: string[];
}

/** Where an island's code is in a build, and when it is loaded. */
export interface BuildIsland {
  /** The island's own file (its chunk), which the boot script imports. */
  file: string;
  hydration: IslandHydration;
}

/** What a build produced; `url` is null when there are no islands. */
export interface IslandsBuild {
  /** Absolute path of the entry module (the boot script), or null when the islands dir is empty. */
  scriptPath: string | null;
  /** Public URL of the entry module (e.g. `/static/build/islands-<hash>/entry.js`). */
  url: string | null;
  /** Public URL of the build's folder (the entry, the islands' chunks and the shared chunks), or null. */
  baseUrl: string | null;
  /** Size of all the build's files in bytes (what a page could load at most). */
  bytes: number;
  /** Size of all the build's files gzipped (each is also written next to it as `.js.gz`). */
  gzipBytes: number;
  /** Island names in the bundle (file names in the islands dir). */
  islands: string[];
  /** Content hash in the folder's name, or null. */
  hash: string | null;
  /** The build's files by name (in its folder): the entry, the islands' chunks, shared chunks. */
  files: Record<string, BuildFile>;
  /** The entry's file name in the build's folder (null without islands). */
  entry: string | null;
  /** Each island's chunk and when it loads, by island name. */
  chunks: Record<string, BuildIsland>;
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

/**
 * The files a page with the islands `names` loads at start, entry first: the entry and every file
 * it imports statically, and each `"load"` island of the page with the files it imports. (The page
 * preloads them; `"idle"` islands and anything imported dynamically come later.)
 */
export function startFiles(build: IslandsBuild, names: Iterable<string>): string[] {
  const files: string[] = [];
  const add = (file: string) => {
    if (files.includes(file) || !build.files[file]) return;
    files.push(file);
    build.files[file].imports.forEach(add);
  };
  if (build.entry) add(build.entry);
  for (const name of names) {
    const chunk = build.chunks[name];
    if (chunk?.hydration === "load") add(chunk.file);
  }
  return files;
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
