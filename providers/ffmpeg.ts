/**
 * Finds and runs the ffmpeg binary that the project installs itself (npm `@ffmpeg-installer/ffmpeg`,
 * a static 2018 build with libx264 and freetype); an ffmpeg on `PATH` only when that is missing
 * (the one-file build, `dist/studio.js`, without npm).
 *
 * Why a wrapper: the engine cancels work through an AbortSignal, and graphile-worker cannot stop a
 * running job, so ffmpeg must be killed here when the signal fires. ffmpeg's own failures become a
 * permanent {@link ProviderError} carrying the line of stderr that explains them.
 */
import { delimiter, join } from "node:path";
import { assetPath, isBundledBuild } from "../core/system/assets.ts";
import {
  denoStoreDirs,
  isFile,
  nodeModulesDirs,
  packageFileCandidates,
  resolvePackageDir,
  unique,
  versionDirs,
} from "./package_files.ts";
import { ProviderError } from "./types.ts";

/** Options of {@link runFfmpeg}. */
export interface RunFfmpegOptions {
  /** Aborting kills ffmpeg (SIGKILL) and rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Called as ffmpeg reports progress (adds `-progress pipe:1`). */
  onProgress?: (progress: FfmpegProgress) => void;
  /** Kill ffmpeg and fail (transiently) when it runs longer than this. Default: 5 minutes. */
  timeoutMs?: number;
  /** What ffmpeg is doing, for error messages: "render the draft image". */
  task?: string;
}

/** One progress report of ffmpeg. */
export interface FfmpegProgress {
  /** Frames written so far. */
  frame: number;
  /** Media time written so far, in seconds. */
  outSeconds: number;
}

/** What a successful ffmpeg run left on stderr (tail only). */
export interface RunFfmpegResult {
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const STDERR_TAIL_CHARS = 16_000;

let cachedFfmpeg: string | undefined;
let cachedFont: string | undefined;

/**
 * Absolute path of the ffmpeg executable shipped by `@ffmpeg-installer/<platform>`.
 *
 * Looks, in order, at `$FFMPEG_PATH` (an explicit override), next to the resolved
 * `@ffmpeg-installer/ffmpeg` package (the layout of `node_modules` and of Deno's npm cache), in
 * `node_modules` folders above the working directory, the main module and this file (which keeps
 * working inside a `deno bundle` output) and where the one-file build installed it, and last for
 * `ffmpeg` on `PATH`. Throws a permanent {@link ProviderError} saying how to install it when none
 * is found. The result is cached.
 */
export function ffmpegPath(): string {
  if (cachedFfmpeg) return cachedFfmpeg;
  const override = readEnv("FFMPEG_PATH");
  if (override) {
    if (!isFile(override)) {
      throw new ProviderError(
        `FFMPEG_PATH points to ${override}, which is not a file. Point it at an ffmpeg executable or unset it to use the bundled one.`,
        { transient: false },
      );
    }
    return (cachedFfmpeg = override);
  }
  const platform = npmPlatform();
  const binary = Deno.build.os === "windows" ? "ffmpeg.exe" : "ffmpeg";
  const candidates: string[] = [];
  const packageDir = resolvePackageDir("@ffmpeg-installer/ffmpeg");
  if (packageDir) {
    // node_modules layout: …/@ffmpeg-installer/ffmpeg → …/@ffmpeg-installer/<platform>
    candidates.push(join(packageDir, "..", platform, binary));
    // Deno's global npm cache: …/@ffmpeg-installer/ffmpeg/1.1.0 → …/@ffmpeg-installer/<platform>/<version>
    candidates.push(...versionDirs(join(packageDir, "..", "..", platform)).map((d) => join(d, binary)));
  }
  for (const modules of nodeModulesDirs()) {
    candidates.push(join(modules, "@ffmpeg-installer", platform, binary));
    candidates.push(
      ...denoStoreDirs(modules, "@ffmpeg-installer+ffmpeg@").map((d) =>
        join(d, "node_modules", "@ffmpeg-installer", platform, binary)
      ),
      ...denoStoreDirs(modules, `@ffmpeg-installer+${platform}@`).map((d) =>
        join(d, "node_modules", "@ffmpeg-installer", platform, binary)
      ),
    );
  }
  const found = candidates.find(isFile) ?? onPath(binary);
  if (!found) {
    const install = isBundledBuild()
      ? "Install npm (Scene Studio then installs ffmpeg into its data folder at the next start) or put ffmpeg on PATH, "
      : `Run \`deno install --allow-scripts=npm:@ffmpeg-installer/${platform}\` in the project folder, `;
    throw new ProviderError(
      `The ffmpeg binary of the npm package @ffmpeg-installer/${platform} was not found, so the draft provider cannot render. ` +
        install +
        `or set FFMPEG_PATH to an ffmpeg executable. Looked in: ${
          unique(candidates).join(", ") || "(no node_modules found)"
        }.`,
      { transient: false },
    );
  }
  return (cachedFfmpeg = found);
}

/**
 * Absolute path of DejaVuSans.ttf from the npm package `dejavu-fonts-ttf`: ffmpeg's `drawtext` needs a
 * font file, and the static ffmpeg build has no usable system fonts. Falls back to Debian's copy
 * (`fonts-dejavu-core`) and throws a permanent {@link ProviderError} when neither exists.
 */
export function fontPath(): string {
  if (cachedFont) return cachedFont;
  const file = join("ttf", "DejaVuSans.ttf");
  // The one-file build carries the font (extracted into the data folder: core/system/assets.ts).
  const embedded = isBundledBuild() ? assetPath("fonts/DejaVuSans.ttf") : undefined;
  const candidates = [...(embedded ? [embedded] : []), ...packageFileCandidates("dejavu-fonts-ttf", file)];
  candidates.push("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  const found = candidates.find(isFile);
  if (!found) {
    throw new ProviderError(
      "The font DejaVuSans.ttf (npm package dejavu-fonts-ttf) was not found, so the draft provider cannot draw prompt text. " +
        "Run `deno install` in the project folder to install it.",
      { transient: false },
    );
  }
  return (cachedFont = found);
}

/**
 * Runs ffmpeg with `args` (after `-hide_banner -nostdin`) and resolves when it exits with code 0.
 *
 * - Abort: ffmpeg is killed with SIGKILL at once, and the promise rejects with `signal.reason` (a
 *   DOMException named "AbortError" unless the caller gave another reason) once the process is gone.
 * - Non-zero exit: rejects with a permanent {@link ProviderError} quoting the most useful stderr
 *   line (pass `-loglevel error` to keep stderr short).
 * - Killed by a signal it was not sent by us (the OOM killer, say) or timed out: transient
 *   {@link ProviderError}, since trying again may work.
 */
export async function runFfmpeg(args: string[], options: RunFfmpegOptions = {}): Promise<RunFfmpegResult> {
  const { signal, onProgress } = options;
  const task = options.task ?? "finish its work";
  signal?.throwIfAborted();
  const binary = ffmpegPath();
  const fullArgs = [
    "-hide_banner",
    "-nostdin",
    ...(onProgress ? ["-progress", "pipe:1", "-nostats"] : []),
    ...args,
  ];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(binary, {
      args: fullArgs,
      stdin: "null",
      stdout: onProgress ? "piped" : "null",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new ProviderError(
      `ffmpeg could not be started from ${binary} (${errorText(error)}). ` +
        `Run \`deno install --allow-scripts=npm:@ffmpeg-installer/${npmPlatform()}\` in the project folder ` +
        "(its install script makes the binary executable), or set FFMPEG_PATH to an ffmpeg executable.",
      { transient: false, cause: error },
    );
  }

  let aborted = false;
  let timedOut = false;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  };
  const onAbort = () => {
    aborted = true;
    kill();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);

  try {
    const [status, stderr] = await Promise.all([
      child.status,
      readTail(child.stderr),
      onProgress ? readProgress(child.stdout, onProgress) : Promise.resolve(),
    ]);
    if (aborted || signal?.aborted) throw abortReason(signal);
    if (timedOut) {
      throw new ProviderError(
        `ffmpeg did not ${task} within ${
          Math.round(timeoutMs / 1000)
        } s and was stopped. The machine may be overloaded; try again.`,
        { transient: true },
      );
    }
    if (status.signal) {
      throw new ProviderError(
        `ffmpeg was stopped by ${status.signal} before it could ${task} (out of memory, or stopped by the system). Try again.`,
        { transient: true },
      );
    }
    if (status.code !== 0) {
      const line = usefulStderrLine(stderr);
      throw new ProviderError(
        `ffmpeg could not ${task} (exit code ${status.code})${line ? `: ${line}` : "."}`,
        { transient: false },
      );
    }
    return { stderr };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Escapes a value for use as an option value inside an ffmpeg filtergraph (`key=value`), covering
 * both parsing levels: the filter's option list (`\ ' :`) and the graph itself (`\ ' [ ] , ;`).
 * Use it for file paths and expressions; it makes any string safe.
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/**
 * A filter's options as `key=value:key=value`, every value escaped with {@link escapeFilterValue}.
 *
 * @example
 * `drawtext=${filterOptions({ fontfile: font, textfile: file, x: "(w-text_w)/2" })}`
 */
export function filterOptions(values: Record<string, string | number>): string {
  return Object.entries(values).map(([key, value]) => `${key}=${escapeFilterValue(String(value))}`).join(":");
}

/**
 * The stderr line that best explains an ffmpeg failure: the last line that is not one of ffmpeg's
 * generic follow-ups ("Conversion failed!"), with memory addresses removed, absolute file paths shortened to
 * their base name (the line reaches creators) and trimmed to 300 chars.
 */
export function usefulStderrLine(stderr: string): string {
  const lines = stderr.split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l.length > 0);
  const generic = [
    /^Conversion failed!?$/i,
    /^Error initializing output stream/i,
    /^Error while opening encoder/i,
    /^Error while filtering/i,
    /^Error reinitializing filters/i,
    /^Failed to inject frame into filter network/i,
    /^Exiting normally/i,
  ];
  const pick = [...lines].reverse().find((l) => !generic.some((re) => re.test(l))) ?? lines.at(-1) ?? "";
  const clean = pick.replace(/ @ 0x[0-9a-f]+\]/gi, "]")
    // Creators see this line: name files by their base name, never by a server path.
    .replace(/(?:file:)?\/(?:[^\s/:'"]+\/)+([^\s/:'"]+)/g, "$1");
  return clean.length > 300 ? `${clean.slice(0, 297)}…` : clean;
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

async function readTail(stream: ReadableStream<Uint8Array>): Promise<string> {
  let tail = "";
  for await (const chunk of decodeText(stream)) {
    tail += chunk;
    if (tail.length > STDERR_TAIL_CHARS * 2) tail = tail.slice(-STDERR_TAIL_CHARS);
  }
  return tail.slice(-STDERR_TAIL_CHARS);
}

async function readProgress(
  stream: ReadableStream<Uint8Array>,
  onProgress: (progress: FfmpegProgress) => void,
): Promise<void> {
  let buffer = "";
  let frame = 0;
  let outSeconds = 0;
  for await (const chunk of decodeText(stream)) {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const [key, value] = line.trim().split("=", 2);
      if (key === "frame") frame = Number(value) || 0;
      // Despite its name, out_time_ms is in microseconds.
      else if (key === "out_time_ms") outSeconds = (Number(value) || 0) / 1e6;
      else if (key === "progress") {
        try {
          onProgress({ frame, outSeconds });
        } catch {
          // A failing progress callback must not break rendering.
        }
      }
    }
  }
}

async function* decodeText(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const bytes of stream) yield decoder.decode(bytes, { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** `binary` in a folder of `PATH`, if there is one. */
function onPath(binary: string): string | undefined {
  const folders = (readEnv("PATH") ?? "").split(delimiter).filter(Boolean);
  return folders.map((folder) => join(folder, binary)).find(isFile);
}

/** npm's name of this platform (`linux-x64`), as in `@ffmpeg-installer/<platform>`. */
export function npmPlatform(): string {
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  const arch = ({ x86_64: "x64", aarch64: "arm64" } as Record<string, string>)[Deno.build.arch] ?? Deno.build.arch;
  return `${os}-${arch}`;
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
