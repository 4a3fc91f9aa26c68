/**
 * The app's settings, read once from the environment and validated with zod. Every variable has a
 * default and a line in the README; a bad value stops start-up with one sentence naming it.
 */
import { z } from "zod";
import type { SceneOrder } from "./core/engine/scene_order.ts";
import { PROVIDER_NAMES, type ProviderName } from "./providers/names.ts";
import { loadPromptSettings, type PromptSettings, PromptSettingsError } from "./providers/prompts/settings.ts";

const providerName = z.enum(PROVIDER_NAMES);

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  PORT: intFrom(0, 65535).default(8000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres://").optional(),
  STUDIO_DATA_DIR: z.string().min(1).default("./data"),
  IMAGE_PROVIDER: providerName.default("draft"),
  VIDEO_PROVIDER: providerName.default("draft"),
  SIMULATED_IMAGE_MS: intFrom(0, 3_600_000).default(1500),
  SIMULATED_VIDEO_MS: intFrom(0, 3_600_000).default(3000),
  MAX_ATTEMPTS: intFrom(1, 25).default(3),
  RETRY_BACKOFF_MS: intFrom(0, 600_000).default(2000),
  WORKER_CONCURRENCY: intFrom(2, 32).default(2),
  WORKER_POLL_MS: intFrom(10, 60_000).default(2000),
  WORKER_HEARTBEAT_MS: intFrom(100, 60_000).default(5000),
  WORKER_DEAD_AFTER_MS: intFrom(1000, 3_600_000).default(45_000),
  SHUTDOWN_GRACE_MS: intFrom(0, 600_000).default(10_000),
  EVENTS_RETENTION_DAYS: intFrom(1, 3650).default(7),
  SCENE_ORDER: z.enum(["auto", "overlap", "images-first"]).default("auto"),
  TAKES_KEPT: intFrom(1, 100).default(5),
});

/** The validated configuration the rest of the app receives (never reads Deno.env itself). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  imageProvider: ProviderName;
  videoProvider: ProviderName;
  simulatedImageMs: number;
  simulatedVideoMs: number;
  maxAttempts: number;
  /** Delay before the first automatic retry of a transient failure; doubles per attempt (max 60 s). */
  retryBackoffMs: number;
  /** Jobs one worker process runs at once (at least 2: one image and one video). */
  workerConcurrency: number;
  /** How often an idle worker looks for due jobs when nothing woke it. */
  workerPollMs: number;
  /** How often a worker records that it is alive. */
  workerHeartbeatMs: number;
  /** A worker silent for this long is dead: its jobs are released for others to run. */
  workerDeadAfterMs: number;
  /** At shutdown, how long running jobs may finish before they are aborted and handed back. */
  shutdownGraceMs: number;
  /** Live-update events older than this many days are deleted by the hourly prune_events task. */
  eventsRetentionDays: number;
  /** Whether runs make all their images before their videos (see core/engine/scene_order.ts). */
  sceneOrder: SceneOrder;
  /** Takes kept per scene part; older ones are deleted with their files. */
  takesKept: number;
  /** The prompt writer (PROMPT_* variables, providers/prompts/settings.ts). */
  prompts: PromptSettings;
}

/** Thrown when an environment variable has a value the app cannot use. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Parses settings from an environment map (Deno.env.toObject() in production, a literal in tests).
 * Empty strings count as unset, so `PORT= deno task start` behaves like no PORT at all.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in schema.shape && value !== undefined && value !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new ConfigError(
      `The environment variable ${name}=${JSON.stringify(present[name])} is not valid: ${issue.message}.`,
    );
  }
  const e = parsed.data;
  if (e.WORKER_DEAD_AFTER_MS < 3 * e.WORKER_HEARTBEAT_MS) {
    throw new ConfigError(
      `The environment variable WORKER_DEAD_AFTER_MS=${e.WORKER_DEAD_AFTER_MS} is not valid: it must be at least three times WORKER_HEARTBEAT_MS (${e.WORKER_HEARTBEAT_MS}), or live workers would be taken for dead.`,
    );
  }
  for (const name of ["IMAGE_PROVIDER", "VIDEO_PROVIDER"] as const) {
    if (e[name] === "comfyui") {
      throw new ConfigError(
        `The environment variable ${name}=comfyui is not supported yet: the ComfyUI provider comes with a later release; use draft or simulated.`,
      );
    }
  }
  // The prompt writer's settings (PROMPT_*) are read by their own module; its errors name the variable.
  let prompts: PromptSettings;
  try {
    prompts = loadPromptSettings(env);
  } catch (error) {
    throw error instanceof PromptSettingsError ? new ConfigError(error.message) : error;
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.STUDIO_DATA_DIR,
    imageProvider: e.IMAGE_PROVIDER,
    videoProvider: e.VIDEO_PROVIDER,
    simulatedImageMs: e.SIMULATED_IMAGE_MS,
    simulatedVideoMs: e.SIMULATED_VIDEO_MS,
    maxAttempts: e.MAX_ATTEMPTS,
    retryBackoffMs: e.RETRY_BACKOFF_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerPollMs: e.WORKER_POLL_MS,
    workerHeartbeatMs: e.WORKER_HEARTBEAT_MS,
    workerDeadAfterMs: e.WORKER_DEAD_AFTER_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    eventsRetentionDays: e.EVENTS_RETENTION_DAYS,
    sceneOrder: e.SCENE_ORDER,
    takesKept: e.TAKES_KEPT,
    prompts,
  };
}

/**
 * The servers images and videos are made on (base URLs), or null for providers that have none:
 * what SCENE_ORDER=auto compares.
 */
export function generationServers(_config: Config): { image: string | null; video: string | null } {
  return { image: null, video: null };
}
