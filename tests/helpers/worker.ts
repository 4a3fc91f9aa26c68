/**
 * Workers for engine tests: an in-process worker on a test database ({@link startTestWorker}), a
 * worker subprocess running the real entry point (`deno run -A main.ts --worker-only`,
 * {@link spawnWorker}), a provider wrapper that records when each call started and ended
 * ({@link recordingProvider}), and small waiting helpers.
 */
import { fileURLToPath } from "node:url";
import { type Config, loadConfig } from "../../config.ts";
import type { Sql } from "../../core/db/client.ts";
import { createProject } from "../../core/domain/projects.ts";
import { createSimulatedProvider } from "../../providers/simulated.ts";
import type { AudioProvider } from "../../providers/audio/types.ts";
import type { GeneratedMedia, ImageRequest, MediaProvider, VideoRequest } from "../../providers/types.ts";
import { startWorker, type StudioWorker } from "../../workers/runner.ts";
import type { TestDatabase } from "./db.ts";

/** Engine settings for tests: simulated providers, quick heartbeats and retries. */
export const TEST_ENV: Record<string, string> = {
  IMAGE_PROVIDER: "simulated",
  VIDEO_PROVIDER: "simulated",
  SIMULATED_IMAGE_MS: "0",
  SIMULATED_VIDEO_MS: "0",
  AUDIO_PROVIDER: "simulated",
  SIMULATED_AUDIO_MS: "0",
  MAX_ATTEMPTS: "3",
  RETRY_BACKOFF_MS: "100",
  WORKER_HEARTBEAT_MS: "300",
  WORKER_DEAD_AFTER_MS: "2000",
  SHUTDOWN_GRACE_MS: "1500",
  WORKER_POLL_MS: "2000",
};

/** A Config for a test database with its own media folder. */
export async function testConfig(db: TestDatabase, env: Record<string, string> = {}): Promise<Config> {
  const dataDir = await Deno.makeTempDir({ prefix: "studio-engine-" });
  return loadConfig({ ...TEST_ENV, DATABASE_URL: db.url, STUDIO_DATA_DIR: dataDir, ...env });
}

/** A running in-process worker and the lines it logged. */
export interface TestWorker extends StudioWorker {
  logs: string[];
}

export async function startTestWorker(
  db: TestDatabase,
  config: Config,
  providers?: { image: MediaProvider; video: MediaProvider; audio?: AudioProvider },
): Promise<TestWorker> {
  const logs: string[] = [];
  const worker = await startWorker({
    sql: db.sql,
    databaseUrl: db.url,
    config,
    providers,
    log: (line) => logs.push(line),
  });
  return Object.assign(worker, { logs });
}

/** A worker subprocess (the real `main.ts --worker-only`). */
export interface SpawnedWorker {
  child: Deno.ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with its exit status. */
  status: Promise<Deno.CommandStatus>;
}

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

export function spawnWorker(db: TestDatabase, config: Config, env: Record<string, string> = {}): SpawnedWorker {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", MAIN, "--worker-only"],
    env: {
      ...TEST_ENV,
      DATABASE_URL: db.url,
      STUDIO_DATA_DIR: config.dataDir,
      IMAGE_PROVIDER: config.imageProvider,
      VIDEO_PROVIDER: config.videoProvider,
      SIMULATED_IMAGE_MS: String(config.simulatedImageMs),
      SIMULATED_VIDEO_MS: String(config.simulatedVideoMs),
      AUDIO_PROVIDER: config.audio.provider,
      SIMULATED_AUDIO_MS: String(config.audio.simulatedAudioMs),
      MAX_ATTEMPTS: String(config.maxAttempts),
      RETRY_BACKOFF_MS: String(config.retryBackoffMs),
      WORKER_CONCURRENCY: String(config.workerConcurrency),
      WORKER_POLL_MS: String(config.workerPollMs),
      WORKER_HEARTBEAT_MS: String(config.workerHeartbeatMs),
      WORKER_DEAD_AFTER_MS: String(config.workerDeadAfterMs),
      SHUTDOWN_GRACE_MS: String(config.shutdownGraceMs),
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    await pumps.catch(() => {});
    return s;
  });
  return { child, output: () => text, status };
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the project's latest run has ended; returns its status. */
export async function waitForRunEnd(sql: Sql, projectId: number, timeoutMs = 20_000): Promise<string> {
  return await waitFor(`the run of project ${projectId} to end`, async () => {
    const [run] = await sql<{ status: string }[]>`
      select status from scene_runs where project_id = ${projectId} order by id desc limit 1`;
    return run && run.status !== "active" ? run.status : undefined;
  }, timeoutMs);
}

/** One provider call as {@link recordingProvider} saw it. */
export interface ProviderCall {
  kind: "image" | "video";
  prompt: string;
  attempt: number;
  started: number;
  ended: number;
  outcome: "ok" | "error" | "aborted";
}

/** Wraps a provider, recording start and end times (performance.now()) of every call. */
export function recordingProvider(inner: MediaProvider): { provider: MediaProvider; calls: ProviderCall[] } {
  const calls: ProviderCall[] = [];
  const record = async (
    kind: "image" | "video",
    request: ImageRequest | VideoRequest,
    fn: () => Promise<GeneratedMedia>,
  ) => {
    const call: ProviderCall = {
      kind,
      prompt: request.prompt,
      attempt: request.attempt,
      started: performance.now(),
      ended: NaN,
      outcome: "ok",
    };
    calls.push(call);
    try {
      return await fn();
    } catch (error) {
      call.outcome = request.signal.aborted ? "aborted" : "error";
      throw error;
    } finally {
      call.ended = performance.now();
    }
  };
  return {
    calls,
    provider: {
      name: `recorded ${inner.name}`,
      generateImage: (r) => record("image", r, () => inner.generateImage(r)),
      imageToVideo: (r) => record("video", r, () => inner.imageToVideo(r)),
    },
  };
}

/** A recorded simulated provider used for both images and videos. */
export function recordedSimulated(imageMs: number, videoMs: number) {
  const { provider, calls } = recordingProvider(createSimulatedProvider({ imageMs, videoMs }));
  return { providers: { image: provider, video: provider }, calls };
}

/** Creates a project with `n` sentences ("Scene 1 of the test." …); returns its id and sentence ids in order. */
export async function makeProject(
  sql: Sql,
  n: number,
  options: { aspectRatio?: "16:9" | "9:16"; title?: string } = {},
): Promise<{ projectId: number; sentenceIds: number[] }> {
  const script = Array.from({ length: n }, (_, i) => `Scene ${i + 1} shows the lighthouse at night.`).join(" ");
  const { id } = await createProject(sql, {
    title: options.title ?? "Engine test",
    script,
    aspectRatio: options.aspectRatio,
  });
  const rows = await sql<{ id: number }[]>`
    select s.id from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${id} order by sec.position, s.position`;
  return { projectId: id, sentenceIds: rows.map((r) => r.id) };
}

/** Removes a test's media folder. */
export async function removeDataDir(config: Config): Promise<void> {
  await Deno.remove(config.dataDir, { recursive: true }).catch(() => {});
}
