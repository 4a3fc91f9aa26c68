/**
 * The files the app brings with it — migrations, static files, the built islands bundle, the
 * captions font, the script-splitting thread — wherever they are: in a checkout they are read
 * from the project folder; in the one-file build (`dist/studio.js`, scripts/build_dist.ts) they
 * are embedded in the bundle, registered here before the app's modules run, and nothing is read
 * from a checkout.
 *
 * Files that another program or the static-file server needs as real files (the font ffmpeg
 * reads, the static folder) are written once per build into the data folder
 * ({@link extractEmbeddedAssets}); text the app only reads (migrations) comes from memory.
 *
 * Asset names are project-relative paths with `/`: `migrations/001_init.sql`, `static/styles.css`.
 */
import { Buffer } from "node:buffer";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project folder of a checkout (this file is core/system/assets.ts). */
const CHECKOUT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Embedded {
  /** Content hash of all files: names the extraction folder, so builds never mix. */
  id: string;
  files: Map<string, Uint8Array>;
}

let embedded: Embedded | undefined;
let extractedRoot: string | undefined;

/**
 * Registers the files embedded in a one-file build (base64 by name). Called by the generated
 * module that runs before the app's own modules (scripts/build_dist.ts); never in a checkout.
 */
export function registerEmbeddedAssets(id: string, files: Record<string, string>): void {
  embedded = {
    id,
    files: new Map(
      Object.entries(files).map(([name, base64]) => [name, new Uint8Array(Buffer.from(base64, "base64"))]),
    ),
  };
}

/** Whether this process runs the one-file build (assets embedded) rather than a checkout. */
export function isBundledBuild(): boolean {
  return embedded !== undefined;
}

/** The names of the asset files directly inside `dir` (e.g. `migrations`), sorted. */
export async function listAssets(dir: string): Promise<string[]> {
  const prefix = `${dir.replace(/\/$/, "")}/`;
  if (embedded) {
    return [...embedded.files.keys()].filter((name) =>
      name.startsWith(prefix) && !name.slice(prefix.length).includes("/")
    )
      .map((name) => name.slice(prefix.length)).sort();
  }
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(CHECKOUT_ROOT, dir))) {
    if (entry.isFile) names.push(entry.name);
  }
  return names.sort();
}

/** The text of the asset `name`; throws a sentence naming it when it does not exist. */
export async function readAssetText(name: string): Promise<string> {
  if (embedded) return new TextDecoder().decode(embeddedFile(name));
  return await Deno.readTextFile(join(CHECKOUT_ROOT, name));
}

/** The text of the asset `name`, synchronously (for code that cannot wait, such as starting a thread). */
export function readAssetTextSync(name: string): string {
  if (embedded) return new TextDecoder().decode(embeddedFile(name));
  return Deno.readTextFileSync(join(CHECKOUT_ROOT, name));
}

/**
 * A path on disk where the asset (file or folder) `name` is: in the project folder of a checkout,
 * in the extraction folder of the one-file build (after {@link extractEmbeddedAssets}).
 * Undefined when the one-file build has not extracted its assets (yet).
 */
export function assetPath(name: string): string | undefined {
  if (!embedded) return join(CHECKOUT_ROOT, name);
  return extractedRoot ? join(extractedRoot, name) : undefined;
}

/**
 * Writes the embedded files to `<dataDir>/runtime/assets-<build id>/` (once per build: a folder
 * that exists is complete, as it is renamed into place only when written) and makes
 * {@link assetPath} answer from there. Does nothing in a checkout. Returns the folder.
 *
 * @example
 * await extractEmbeddedAssets(config.dataDir); // before createApp(), so /static/ is served
 */
export async function extractEmbeddedAssets(dataDir: string): Promise<string | undefined> {
  if (!embedded) return undefined;
  const runtime = join(resolve(dataDir), "runtime");
  const target = join(runtime, `assets-${embedded.id}`);
  if (!(await isDirectory(target))) {
    await Deno.mkdir(runtime, { recursive: true });
    const temp = await Deno.makeTempDir({ dir: runtime, prefix: ".assets-" });
    try {
      for (const [name, bytes] of embedded.files) {
        const path = join(temp, ...name.split("/"));
        await Deno.mkdir(dirname(path), { recursive: true });
        await Deno.writeFile(path, bytes);
      }
      await Deno.chmod(temp, 0o755);
      await Deno.rename(temp, target).catch(async (error) => {
        // Another process of the same build got there first: its copy is as good.
        if (!(await isDirectory(target))) throw error;
      });
    } finally {
      await Deno.remove(temp, { recursive: true }).catch(() => {});
    }
  }
  extractedRoot = target;
  return target;
}

function embeddedFile(name: string): Uint8Array {
  const bytes = embedded?.files.get(name);
  if (!bytes) {
    throw new Error(`The file ${name} is not part of this build of Scene Studio; rebuild it with \`deno task build\`.`);
  }
  return bytes;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
