/**
 * Test set-up for the ComfyUI provider against the fake ComfyUI: a provider tuned for fast tests
 * (short polls, short socket linger), request builders, and a temporary media folder.
 */
import { join } from "node:path";
import { type ComfyUIProvider, type ComfyUITuning, createComfyUIProvider } from "../../providers/comfyui/provider.ts";
import { loadComfyUISettings } from "../../providers/comfyui/settings.ts";
import { encodeFlatPng } from "../../providers/simulated.ts";
import type { ImageRequest, RequestPhase, VideoRequest } from "../../providers/types.ts";
import { type FakeComfyUI, type FakeComfyUIOptions, startFakeComfyUI } from "../fakes/comfyui_server.ts";

/** Fast polling and reconnects, so fallbacks show within a second. */
export const FAST: ComfyUITuning = {
  pollMs: 40,
  quietMs: 300,
  unreachableMs: 3000,
  requestTimeoutMs: 2000,
  socketWaitMs: 1000,
  socket: { minBackoffMs: 20, maxBackoffMs: 200, lingerMs: 20, keepAliveMs: 200 },
};

/** A provider for `env` (COMFYUI_* variables), both parts on. */
export function comfyProvider(env: Record<string, string>, tuning: ComfyUITuning = {}): ComfyUIProvider {
  return createComfyUIProvider(loadComfyUISettings(env, { image: true, video: true }), { ...FAST, ...tuning });
}

/** What a request reported while it ran. */
export interface Reports {
  progress: number[];
  statuses: RequestPhase[];
}

/** A folder for outputs, removed by `cleanup`. */
export async function mediaDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "comfy-test-" });
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/** An image request writing to `dir`, recording progress and status. */
export function imageRequest(dir: string, overrides: Partial<ImageRequest> = {}): ImageRequest & { reports: Reports } {
  const reports: Reports = { progress: [], statuses: [] };
  return {
    prompt: "A lighthouse on a cliff at dusk",
    width: 1280,
    height: 720,
    seed: 1234,
    attempt: 1,
    maxAttempts: 3,
    outPath: join(dir, `${crypto.randomUUID()}.png`),
    signal: new AbortController().signal,
    onProgress: (f) => reports.progress.push(f),
    onStatus: (s) => reports.statuses.push(s),
    ...overrides,
    reports,
  };
}

/** A video request from a fresh 1280×720 still in `dir`. */
export async function videoRequest(
  dir: string,
  overrides: Partial<VideoRequest> = {},
): Promise<VideoRequest & { reports: Reports }> {
  const image = join(dir, `${crypto.randomUUID()}.png`);
  await Deno.writeFile(image, encodeFlatPng(1280, 720, [200, 100, 50]));
  const reports: Reports = { progress: [], statuses: [] };
  return {
    image,
    prompt: "The camera slowly pushes in as waves crash below",
    seconds: 5,
    fps: 24,
    width: 1280,
    height: 720,
    seed: 99,
    attempt: 1,
    maxAttempts: 3,
    outPath: join(dir, `${crypto.randomUUID()}.mp4`),
    signal: new AbortController().signal,
    onProgress: (f) => reports.progress.push(f),
    onStatus: (s) => reports.statuses.push(s),
    ...overrides,
    reports,
  };
}

/** Resolves when `check()` is true, polling every 10 ms; rejects after `ms`. */
export async function waitFor(check: () => boolean, ms = 3000, what = "the condition"): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What {@link withComfy} hands a test. */
export interface ComfyContext {
  fake: FakeComfyUI;
  provider: ComfyUIProvider;
  dir: string;
}

/**
 * Runs `body` with a fresh fake ComfyUI, a provider pointed at it (COMFYUI_URL plus `env`) and a
 * media folder; closes all three afterwards.
 */
export async function withComfy(
  setup: { fake?: FakeComfyUIOptions; env?: Record<string, string>; tuning?: ComfyUITuning },
  body: (context: ComfyContext) => Promise<void>,
): Promise<void> {
  const fake = await startFakeComfyUI(setup.fake);
  const { dir, cleanup } = await mediaDir();
  const provider = comfyProvider({ COMFYUI_URL: fake.url, ...setup.env }, setup.tuning);
  try {
    await body({ fake, provider, dir });
  } finally {
    provider.close();
    await fake.close();
    await cleanup();
  }
}

/** The graphs our client submitted to the fake, in order. */
export function submittedGraphs(
  fake: FakeComfyUI,
): Record<string, { class_type: string; inputs: Record<string, unknown> }>[] {
  return fake.requests
    .filter((r) =>
      r.method === "POST" && r.path === "/prompt" && (r.body as { client_id?: string })?.client_id !== "someone-else"
    )
    .map((r) => (r.body as { prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }> }).prompt);
}
