/**
 * Builds the islands bundle: an entry module (the boot script and the islands a page needs at
 * once), a chunk for each island that can wait (`hydration = "idle"`), and chunks of the code they
 * share (Preact, @preact/signals, the page's models) (`deno bundle --code-splitting`), so a page
 * loads at start only what it needs to be interactive.
 *
 * ```ts
 * import { buildIslands } from "./islands_runtime/build.ts";
 * const build = await buildIslands(); // islands/ → static/build/islands-<hash>/entry.js + chunks
 * // build.url === "/static/build/islands-3f2a…/entry.js" (null when islands/ is empty)
 * ```
 *
 * - Scans `islandsDir` (default `<project>/islands`): every `*.tsx|*.ts|*.jsx|*.js`
 *   file is an island named after the file, whose default export is the
 *   component. Files starting with `_` or `.` and `*_test.*` / `*.test.*` are skipped.
 *   An island file may export `hydration = "idle"` (see {@link IslandHydration}): its code is then
 *   a chunk of its own, loaded after the page's other islands are hydrated, not at start.
 * - Generates an entry that calls `client/boot.ts`'s `boot()` with the islands loaded at start
 *   (imported statically: they are in the entry, which is one file and compresses best) and a
 *   dynamic `import()` of each idle island, runs
 *   `deno bundle --platform browser --format esm --code-splitting --minify` with the
 *   project's deno.json (automatic JSX runtime) and writes the output into
 *   `<outDir>/islands-<contenthash>/` (the folder's name is the hash of every file in it, so all
 *   of them can be cached forever), a gzipped `.gz` copy of each file (served by `static.ts` to
 *   gzip clients) and `<outDir>/islands-manifest.json`: the files with their sizes and static
 *   imports, and each island's chunk, from which `startFiles()` (state.ts) tells what a page
 *   loads at start (the server preloads those: `server.tsx`).
 * - Cached: the manifest records the hash of every local source file in the
 *   bundle's module graph (from `deno info`) plus deno.json, deno.lock and the
 *   Deno version. If none changed, the previous bundle is reused (a few ms).
 * - With an empty or missing islands dir nothing is bundled: `url` is null and
 *   pages never get a script.
 * - The island modules are imported on the server too: `components` maps each
 *   island component to its name, which is how `renderPage()` recognises
 *   islands (by `vnode.type`). The islands directory is the one list of islands.
 * - By default the result becomes the current build used by `renderPage()`
 *   (`register: false` to opt out).
 * - Old bundles are deleted, keeping the 4 most recent besides the current one
 *   (pages cached in browsers still find their scripts after a deploy).
 *
 * `loadIslandsBuild()` uses an existing manifest without bundling (for a
 * deployment where `deno bundle` is not available); it imports the islands
 * listed in it from the islands directory.
 *
 * CLI: `deno run -A islands_runtime/build.ts [--islands-dir DIR] [--out-dir DIR] [--force]`.
 *
 * @module
 */

import { gzipSync } from "node:zlib";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { exists } from "../core/system/files.ts";
import { sha256Hex } from "../core/system/hash.ts";
import { runDeno } from "../core/system/deno_command.ts";
import { type BundleRecord, islandsBuildFrom } from "./bundle_record.ts";
import {
  type BuildFile,
  type BuildIsland,
  type IslandHydration,
  type IslandsBuild,
  setCurrentIslandsBuild,
} from "./state.ts";

export type { BuildFile, BuildIsland, IslandHydration, IslandsBuild } from "./state.ts";

/** Options of {@link buildIslands}. */
export interface BuildIslandsOptions {
  /** Directory of island files; default `<project>/islands`. */
  islandsDir?: string;
  /** Output directory; default `<project>/static/build`. */
  outDir?: string;
  /** URL path under which `outDir` is served; default `/static/build`. */
  publicPath?: string;
  /** deno.json used to bundle (import map, JSX); default `<project>/deno.json`. */
  configPath?: string;
  /** Minify (default true). */
  minify?: boolean;
  /** Rebuild even if the sources did not change. */
  force?: boolean;
  /** Make the result the current build for pages (default true). */
  register?: boolean;
}

const PROJECT_ROOT = fileURLToPath(new URL("../", import.meta.url));
const BOOT_PATH = fileURLToPath(new URL("./client/boot.ts", import.meta.url));
const MANIFEST = "islands-manifest.json";
const MANIFEST_VERSION = 2;
const KEEP_OLD_BUNDLES = 4;
const ISLAND_EXTENSIONS = new Set([".tsx", ".ts", ".jsx", ".js"]);
/** A build's folder, and the one-file bundles of earlier versions (`islands-<hash>.js`). */
const BUNDLE_NAME = /^islands-[0-9a-f]{8,}(\.js)?$/;

interface Manifest extends BundleRecord {
  version: number;
  key: string;
  inputs: Record<string, string>;
}

/** An island file found in the islands directory. */
export interface IslandFile {
  name: string;
  path: string;
}

/** Lists the islands in `dir` (sorted by name); [] if it does not exist. */
export async function listIslands(dir: string): Promise<IslandFile[]> {
  const found: IslandFile[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) continue;
      const ext = extname(entry.name);
      if (!ISLAND_EXTENSIONS.has(ext) || entry.name.endsWith(".d.ts")) continue;
      if (/^[._]/.test(entry.name) || /[._]test\.[jt]sx?$/.test(entry.name)) {
        continue;
      }
      found.push({
        name: entry.name.slice(0, -ext.length),
        path: resolve(dir, entry.name),
      });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < found.length; i++) {
    if (found[i].name === found[i - 1].name) {
      throw new Error(
        `two island files are named "${found[i].name}": ${found[i - 1].path}, ${found[i].path}`,
      );
    }
  }
  return found;
}

/** The island modules, imported on the server: each component, and when its code loads in the browser. */
interface ImportedIslands {
  components: Map<unknown, string>;
  hydration: Map<string, IslandHydration>;
}

function entrySource(islands: IslandFile[], hydration: ReadonlyMap<string, IslandHydration>): string {
  const lines = [
    "// Generated by islands_runtime/build.ts. Do not edit.",
    `import { boot } from ${JSON.stringify(pathToFileURL(BOOT_PATH).href)};`,
  ];
  const registry: string[] = [];
  islands.forEach((island, i) => {
    const url = JSON.stringify(pathToFileURL(island.path).href);
    if (hydration.get(island.name) === "idle") {
      registry.push(`  ${JSON.stringify(island.name)}: { load: () => import(${url}), idle: true },`);
    } else {
      lines.push(`import island${i} from ${url};`);
      registry.push(`  ${JSON.stringify(island.name)}: { component: island${i} },`);
    }
  });
  lines.push("boot({", ...registry, "});", "");
  return lines.join("\n");
}

async function hashFile(path: string): Promise<string | null> {
  try {
    return await sha256Hex(await Deno.readFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

async function readManifest(outDir: string): Promise<Manifest | null> {
  try {
    const manifest = JSON.parse(
      await Deno.readTextFile(join(outDir, MANIFEST)),
    ) as Manifest;
    return manifest.version === MANIFEST_VERSION ? manifest : null;
  } catch {
    return null;
  }
}

/** Writes a file atomically (temp file + rename in the same directory). */
async function writeAtomic(path: string, data: Uint8Array | string) {
  const tmp = join(
    resolve(path, ".."),
    `.${basename(path)}.${crypto.randomUUID()}.tmp`,
  );
  if (typeof data === "string") await Deno.writeTextFile(tmp, data);
  else await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/** Local source files of the module graph of `entry` (excluding it), dynamic imports included. */
async function localInputs(entry: string, config: string): Promise<string[]> {
  const info = JSON.parse(
    await runDeno(["info", "--json", "--config", config, entry]),
  ) as { modules: { specifier: string }[] };
  const entryUrl = pathToFileURL(entry).href;
  return info.modules
    .map((m) => m.specifier)
    .filter((s) => s.startsWith("file:") && s !== entryUrl)
    .map((s) => fileURLToPath(s))
    .sort();
}

async function importIslands(islands: IslandFile[]): Promise<ImportedIslands> {
  const components = new Map<unknown, string>();
  const hydration = new Map<string, IslandHydration>();
  for (const island of islands) {
    let mod;
    try {
      mod = await import(pathToFileURL(island.path).href);
    } catch (error) {
      throw new Error(
        `island file ${island.path} could not be imported: ${error instanceof Error ? error.message : error}`,
        { cause: error },
      );
    }
    if (typeof mod.default !== "function") {
      throw new Error(
        `island file ${island.path} has no default export component`,
      );
    }
    const when = mod.hydration ?? "load";
    if (when !== "load" && when !== "idle") {
      throw new Error(
        `island file ${island.path} exports hydration = ${JSON.stringify(when)}: it must be "load" or "idle"`,
      );
    }
    components.set(mod.default, island.name);
    hydration.set(island.name, when);
  }
  return { components, hydration };
}

async function removeOldBundles(outDir: string, keep: string) {
  const bundles: { name: string; mtime: number }[] = [];
  for await (const entry of Deno.readDir(outDir)) {
    if (!BUNDLE_NAME.test(entry.name) || entry.name === keep) continue;
    const stat = await Deno.stat(join(outDir, entry.name));
    bundles.push({ name: entry.name, mtime: stat.mtime?.getTime() ?? 0 });
  }
  bundles.sort((a, b) => b.mtime - a.mtime);
  for (const old of bundles.slice(KEEP_OLD_BUNDLES)) {
    for (const file of [old.name, `${old.name}.gz`]) {
      await Deno.remove(join(outDir, file), { recursive: true }).catch(() => {});
    }
  }
}

function toBuild(
  manifest: Manifest,
  outDir: string,
  publicPath: string,
  cached: boolean,
  started: number,
  components: ReadonlyMap<unknown, string>,
): IslandsBuild {
  const ms = Math.round((performance.now() - started) * 10) / 10;
  return islandsBuildFrom(manifest, outDir, publicPath, { cached, ms, components });
}

/** Whether the build `manifest` describes is complete in `outDir` (every file and its `.gz`). */
async function complete(manifest: Manifest, outDir: string): Promise<boolean> {
  if (!manifest.dir || !manifest.entry) return false;
  const dir = join(outDir, manifest.dir);
  const found = await Promise.all(
    Object.keys(manifest.files).flatMap((file) => [exists(join(dir, file)), exists(join(dir, `${file}.gz`))]),
  );
  return found.length > 0 && found.every(Boolean);
}

/**
 * Builds (or reuses) the islands bundle and, unless `register: false`, makes
 * it the current build for pages. Returns where it is and how big it is.
 */
export async function buildIslands(
  options: BuildIslandsOptions = {},
): Promise<IslandsBuild> {
  const started = performance.now();
  const islandsDir = resolve(options.islandsDir ?? join(PROJECT_ROOT, "islands"));
  const outDir = resolve(options.outDir ?? join(PROJECT_ROOT, "static/build"));
  const publicPath = options.publicPath ?? "/static/build";
  const configPath = resolve(
    options.configPath ?? join(PROJECT_ROOT, "deno.json"),
  );
  const minify = options.minify ?? true;

  const islands = await listIslands(islandsDir);
  const imported = await importIslands(islands);
  const entry = entrySource(islands, imported.hydration);
  const key = await sha256Hex(
    JSON.stringify({
      entry,
      minify,
      deno: Deno.version.deno,
      config: await hashFile(configPath),
      lock: await hashFile(join(resolve(configPath, ".."), "deno.lock")),
    }),
  );

  let manifest: Manifest | null = null;
  let cached = false;
  if (islands.length > 0) {
    await Deno.mkdir(outDir, { recursive: true });
    const previous = options.force ? null : await readManifest(outDir);
    if (
      previous?.key === key && await complete(previous, outDir) &&
      (await Promise.all(
        Object.entries(previous.inputs).map(async ([path, hash]) => await hashFile(path) === hash),
      )).every(Boolean)
    ) {
      manifest = previous;
      cached = true;
    } else {
      manifest = await bundle(islands, entry, key, outDir, configPath, minify, imported.hydration);
    }
  }

  const build = toBuild(
    manifest ?? {
      version: MANIFEST_VERSION,
      key,
      inputs: {},
      dir: null,
      entry: null,
      hash: null,
      bytes: 0,
      gzipBytes: 0,
      islands: [],
      files: {},
      chunks: {},
    },
    outDir,
    publicPath,
    cached,
    started,
    imported.components,
  );
  if (options.register ?? true) setCurrentIslandsBuild(build);
  build.ms = Math.round((performance.now() - started) * 10) / 10;
  return build;
}

/** Files under `dir`, relative to it with `/`, sorted. */
async function walk(dir: string, prefix = ""): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) names.push(...await walk(join(dir, entry.name), `${prefix}${entry.name}/`));
    else if (entry.isFile) names.push(`${prefix}${entry.name}`);
  }
  return names.sort();
}

/**
 * The files of the build that `file` imports statically (`import … from "./x.js"`, `import
 * "./x.js"`, `export … from "./x.js"`), as names in the build's folder. Dynamic `import("./x.js")`
 * is not one: that is loaded when it runs.
 */
export function staticImports(file: string, code: string, files: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const pattern = /(?:\bfrom|\bimport)\s*["']([^"']+)["']/g;
  for (const match of code.matchAll(pattern)) {
    const target = new URL(match[1], `file:///build/${file}`).pathname.slice("/build/".length);
    if (files.has(target)) found.add(target);
  }
  return [...found].sort();
}

/**
 * The chunks of the idle islands in the entry's `code`, in order, as names in the build's folder: the
 * `load: () => import("./x.js"), idle: …` of the registry the entry hands to `boot()` (other
 * dynamic imports, of the islands' own code, are not islands).
 */
function idleChunks(file: string, code: string): string[] {
  const pattern = /\bload\s*:\s*\(\s*\)\s*=>\s*import\(\s*["']([^"']+)["']\s*\)\s*,\s*idle\s*:/g;
  return [...code.matchAll(pattern)].map((match) =>
    new URL(match[1], `file:///build/${file}`).pathname.slice("/build/".length)
  );
}

async function bundle(
  islands: IslandFile[],
  entry: string,
  key: string,
  outDir: string,
  configPath: string,
  minify: boolean,
  hydration: ReadonlyMap<string, IslandHydration>,
): Promise<Manifest> {
  const tmp = await Deno.makeTempDir({ prefix: "islands-build-" });
  try {
    const entryPath = join(tmp, "entry.ts");
    const out = join(tmp, "out");
    await Deno.writeTextFile(entryPath, entry);
    const bundleArgs = [
      "bundle",
      "--config",
      configPath,
      "--platform",
      "browser",
      "--format",
      "esm",
      "--code-splitting",
      ...(minify ? ["--minify"] : []),
      "--outdir",
      out,
      entryPath,
    ];
    const [, inputPaths] = await Promise.all([
      runDeno(bundleArgs),
      localInputs(entryPath, configPath),
    ]);
    const names = await walk(out);
    const entryFile = "entry.js";
    if (!names.includes(entryFile)) {
      throw new Error(`deno bundle wrote no ${entryFile} in ${out} (it wrote ${names.join(", ") || "nothing"})`);
    }
    const codes = new Map<string, Uint8Array>();
    for (const name of names) codes.set(name, await Deno.readFile(join(out, name)));
    const hash = (await sha256Hex(
      new TextEncoder().encode(names.map((name) => `${name}\0${new TextDecoder().decode(codes.get(name))}`).join("\0")),
    )).slice(0, 16);
    const dir = `islands-${hash}`;

    // Each island's file: the entry itself for the islands loaded at start; for the idle ones, the
    // chunks the entry imports dynamically, in the order of `islands`.
    const idle = islands.filter((island) => hydration.get(island.name) === "idle");
    const loaded = idleChunks(entryFile, new TextDecoder().decode(codes.get(entryFile)));
    if (loaded.length !== idle.length || loaded.some((file) => !codes.has(file))) {
      throw new Error(
        `the islands entry should import ${idle.length} island chunks, but deno bundle's entry imports ` +
          `${loaded.join(", ") || "none"}`,
      );
    }
    const chunks: Record<string, BuildIsland> = {};
    for (const island of islands) {
      const at = idle.indexOf(island);
      chunks[island.name] = at >= 0 ? { file: loaded[at], hydration: "idle" } : { file: entryFile, hydration: "load" };
    }

    const files: Record<string, BuildFile> = {};
    const target = join(outDir, dir);
    const staging = join(outDir, `.${dir}.${crypto.randomUUID()}.tmp`);
    const all = new Set(names);
    let bytes = 0;
    let gzipBytes = 0;
    try {
      for (const name of names) {
        const code = codes.get(name)!;
        const gzipped = gzipSync(code, { level: 9 });
        const path = join(staging, ...name.split("/"));
        await Deno.mkdir(resolve(path, ".."), { recursive: true });
        await Deno.writeFile(path, code);
        await Deno.writeFile(`${path}.gz`, gzipped);
        files[name] = {
          bytes: code.byteLength,
          gzipBytes: gzipped.byteLength,
          imports: staticImports(name, new TextDecoder().decode(code), all),
        };
        bytes += code.byteLength;
        gzipBytes += gzipped.byteLength;
      }
      // The folder's name is its content's hash: one already there (another process may have just
      // written it) is the same build.
      if (!await exists(target)) {
        await Deno.rename(staging, target).catch(async (error) => {
          if (!await exists(target)) throw error;
        });
      }
    } finally {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }

    const inputs: Record<string, string> = {};
    for (const path of inputPaths) inputs[path] = (await hashFile(path)) ?? "";
    const manifest: Manifest = {
      version: MANIFEST_VERSION,
      key,
      inputs,
      dir,
      entry: entryFile,
      hash,
      bytes,
      gzipBytes,
      islands: islands.map((i) => i.name),
      files,
      chunks,
    };
    await writeAtomic(
      join(outDir, MANIFEST),
      JSON.stringify(manifest, null, 2) + "\n",
    );
    await removeOldBundles(outDir, dir);
    return manifest;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/**
 * Uses the bundle described by `<outDir>/islands-manifest.json` without
 * bundling (throws if it is missing). Registers it like {@link buildIslands}.
 */
export async function loadIslandsBuild(
  options: Pick<BuildIslandsOptions, "islandsDir" | "outDir" | "publicPath" | "register"> = {},
): Promise<IslandsBuild> {
  const started = performance.now();
  const outDir = resolve(options.outDir ?? join(PROJECT_ROOT, "static/build"));
  const manifest = await readManifest(outDir);
  if (!manifest || (manifest.dir && !await complete(manifest, outDir))) {
    throw new Error(
      `no islands bundle in ${outDir}: run buildIslands() or the build task first`,
    );
  }
  const islandsDir = resolve(options.islandsDir ?? join(PROJECT_ROOT, "islands"));
  const islands = (await listIslands(islandsDir)).filter((i) => manifest.islands.includes(i.name));
  if (islands.length !== manifest.islands.length) {
    throw new Error(
      `the islands bundle in ${outDir} has islands that are not in ${islandsDir} ` +
        `(${manifest.islands.join(", ")}): run buildIslands() again`,
    );
  }
  const imported = await importIslands(islands);
  const changed = islands.filter((i) => imported.hydration.get(i.name) !== manifest.chunks[i.name]?.hydration);
  if (changed.length > 0) {
    throw new Error(
      `the islands bundle in ${outDir} loads ${changed.map((i) => i.name).join(", ")} at another time than ` +
        `their files in ${islandsDir} say (export const hydration): run buildIslands() again`,
    );
  }
  const build = toBuild(
    manifest,
    outDir,
    options.publicPath ?? "/static/build",
    true,
    started,
    imported.components,
  );
  if (options.register ?? true) setCurrentIslandsBuild(build);
  return build;
}

/**
 * Where a build's files are, to copy them elsewhere (the one-file build embeds them): its folder on
 * disk, the folder's name (`islands-<hash>`) and every file in it (each with its `.gz`), relative
 * to it. Null without islands.
 */
export function buildFolder(build: IslandsBuild): { path: string; name: string; files: string[] } | null {
  if (!build.scriptPath) return null;
  const path = dirname(build.scriptPath);
  return { path, name: basename(path), files: Object.keys(build.files).flatMap((file) => [file, `${file}.gz`]) };
}

if (import.meta.main) {
  const args = Deno.args;
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const build = await buildIslands({
    islandsDir: value("--islands-dir"),
    outDir: value("--out-dir"),
    force: args.includes("--force"),
    register: false,
  });
  console.log(
    build.url
      ? `islands: ${build.islands.join(", ")} → ${build.scriptPath} and ${
        Object.keys(build.files).length - 1
      } chunks ` +
        `(${build.bytes} B, ${build.gzipBytes} B gzipped in all, ${build.ms} ms${build.cached ? ", unchanged" : ""})`
      : "islands: none (no bundle needed)",
  );
}
