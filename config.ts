/**
 * The app's settings, read once from the environment and validated with zod. Every variable has a
 * default and a line in the README; a bad value stops start-up with one sentence naming it.
 */
import { z } from "zod";
import type { SceneOrder } from "./core/engine/scene_order.ts";
import type { PartServers } from "./core/engine/gpu_servers.ts";
import { PROVIDER_NAMES, type ProviderName } from "./providers/names.ts";
import { type ComfyUISettings, ComfyUISettingsError, loadComfyUISettings } from "./providers/comfyui/settings.ts";
import { redactUrl } from "./core/db/redact_url.ts";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "./core/system/log.ts";
import { isLoopbackHost, parseHostList, parseOriginList, parsePublicUrl } from "./core/security/addresses.ts";
// Narration settings (AUDIO_PROVIDER, TTS_*, STT_*) are parsed by their own module.
import { type AudioSettings, AudioSettingsError, loadAudioSettings } from "./providers/audio/settings.ts";
import { loadPromptSettings, type PromptSettings, PromptSettingsError } from "./providers/prompts/settings.ts";

const providerName = z.enum(PROVIDER_NAMES);

/** The shortest access token accepted: long enough that guessing it is hopeless. */
export const MIN_TOKEN_CHARS = 16;

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
  WORKER_CONCURRENCY: intFrom(2, 32).default(6),
  WORKER_POLL_MS: intFrom(10, 60_000).default(2000),
  WORKER_HEARTBEAT_MS: intFrom(100, 60_000).default(5000),
  WORKER_DEAD_AFTER_MS: intFrom(1000, 3_600_000).default(45_000),
  SHUTDOWN_GRACE_MS: intFrom(0, 600_000).default(10_000),
  EVENTS_RETENTION_DAYS: intFrom(1, 3650).default(7),
  SCENE_ORDER: z.enum(["auto", "overlap", "images-first"]).default("auto"),
  TAKES_KEPT: intFrom(1, 100).default(5),
  STUDIO_TOKEN: z.string().min(MIN_TOKEN_CHARS, `must be at least ${MIN_TOKEN_CHARS} characters`).optional(),
  STUDIO_TOKEN_FILE: z.string().optional(),
  ALLOW_OPEN_ACCESS: z.enum(["0", "1"], { error: "must be 1 or 0" }).default("0"),
  PUBLIC_URL: z.string().optional(),
  ALLOWED_HOSTS: z.string().optional(),
  TRUSTED_ORIGINS: z.string().optional(),
  SESSION_DAYS: intFrom(1, 365).default(7),
  HEADERS_TIMEOUT_MS: intFrom(1000, 600_000).default(10_000),
  BODY_TIMEOUT_MS: intFrom(1000, 3_600_000).default(60_000),
  IDLE_TIMEOUT_MS: intFrom(1000, 3_600_000).default(60_000),
  MAX_CONNECTIONS: intFrom(1, 100_000).default(1000),
  MAX_CONNECTIONS_PER_CLIENT: intFrom(1, 100_000).default(100),
  SSE_MAX_STREAMS: intFrom(1, 100_000).default(200),
  SSE_MAX_STREAMS_PER_CLIENT: intFrom(1, 100_000).default(20),
  RUN_ACTIONS_PER_MINUTE: intFrom(1, 10_000).default(30),
  LOG_FORMAT: z.enum(LOG_FORMATS, { error: "must be text or json" }).default("text"),
  METRICS: z.enum(["0", "1"], { error: "must be 1 or 0" }).default("0"),
  METRICS_TOKEN: z.string().min(MIN_TOKEN_CHARS, `must be at least ${MIN_TOKEN_CHARS} characters`).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: "must be debug, info, warn or error" }).default("info"),
});

/** Values never printed back in an error message. */
const SECRET = new Set(["STUDIO_TOKEN", "METRICS_TOKEN"]);

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
  /** ComfyUI servers and workflows, when a provider setting uses ComfyUI (else null). */
  comfyui: ComfyUISettings | null;
  /** The access token (STUDIO_TOKEN or the contents of STUDIO_TOKEN_FILE); unset = no access control. */
  accessToken: string | undefined;
  /** ALLOW_OPEN_ACCESS=1: serve a non-loopback HOST without a token (logged at every start). */
  allowOpenAccess: boolean;
  /** The origin browsers use (e.g. behind a proxy), `https://studio.example.com`; else none. */
  publicOrigin: string | undefined;
  /** Host names the server answers to besides IP addresses, localhost and PUBLIC_URL's host. */
  allowedHosts: string[];
  /** Other origins whose pages may send state-changing requests (proxies, other front ends). */
  trustedOrigins: string[];
  /** How long a login lasts. */
  sessionDays: number;
  /** A request's headers must arrive within this time of its first byte. */
  headersTimeoutMs: number;
  /** A request's body must arrive within this time of its headers. */
  bodyTimeoutMs: number;
  /** A connection silent in both directions for this long is closed. */
  idleTimeoutMs: number;
  /** Open connections at once, in total and from one client address. */
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** Open live-update (SSE) streams at once, in total and from one client address. */
  sseMaxStreams: number;
  sseMaxStreamsPerClient: number;
  /** Generate, cancel and retry requests per project and minute (in-memory, per process). */
  runActionsPerMinute: number;
  /** METRICS=1: serve Prometheus metrics at /metrics (else 404). */
  metrics: boolean;
  /** METRICS_TOKEN: /metrics then needs `Authorization: Bearer <it>` (instead of the access token). */
  metricsToken: string | undefined;
  /** LOG_FORMAT: readable lines (text) or one JSON object per line (json), core/system/log.ts. */
  logFormat: LogFormat;
  /** LOG_LEVEL: lines below this severity are dropped. */
  logLevel: LogLevel;
  /** Narration: the voice (AUDIO_PROVIDER, TTS_*) and the optional transcription server (STT_*). */
  audio: AudioSettings;
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
    throw new ConfigError(`The environment variable ${shown(name, present[name])} is not valid: ${issue.message}.`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL !== undefined && !URL.canParse(e.DATABASE_URL)) {
    throw new ConfigError(
      `The environment variable ${
        shown("DATABASE_URL", e.DATABASE_URL)
      } is not valid: it is not a URL (a password with special characters must be percent-encoded).`,
    );
  }
  if (e.WORKER_DEAD_AFTER_MS < 3 * e.WORKER_HEARTBEAT_MS) {
    throw new ConfigError(
      `The environment variable WORKER_DEAD_AFTER_MS=${e.WORKER_DEAD_AFTER_MS} is not valid: it must be at least three times WORKER_HEARTBEAT_MS (${e.WORKER_HEARTBEAT_MS}), or live workers would be taken for dead.`,
    );
  }
  // ComfyUI (providers/comfyui/settings.ts): read for the parts that use it.
  let comfyui: ComfyUISettings | null = null;
  if (e.IMAGE_PROVIDER === "comfyui" || e.VIDEO_PROVIDER === "comfyui") {
    try {
      comfyui = loadComfyUISettings(env, {
        image: e.IMAGE_PROVIDER === "comfyui",
        video: e.VIDEO_PROVIDER === "comfyui",
      });
    } catch (error) {
      if (error instanceof ComfyUISettingsError) throw new ConfigError(error.message);
      throw error;
    }
  }
  const accessToken = readToken(e.STUDIO_TOKEN, e.STUDIO_TOKEN_FILE);
  const allowOpenAccess = e.ALLOW_OPEN_ACCESS === "1";
  if (!isLoopbackHost(e.HOST) && !accessToken && !allowOpenAccess) {
    throw new ConfigError(
      `HOST=${e.HOST} would let anyone on your network control Scene Studio: set STUDIO_TOKEN to a long random secret (e.g. STUDIO_TOKEN=$(openssl rand -hex 32)) or STUDIO_TOKEN_FILE to a file holding one, or set ALLOW_OPEN_ACCESS=1 to run it open anyway.`,
    );
  }
  /** Runs a parser of one variable; its error becomes that variable's ConfigError. */
  const variable = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      throw new ConfigError(
        `The environment variable ${shown(name, present[name])} is not valid: ${(err as Error).message}.`,
      );
    }
  };
  // Narration settings: a bad one stops start-up like any other, with its own sentence.
  let audio: AudioSettings;
  try {
    audio = loadAudioSettings(env);
  } catch (error) {
    throw error instanceof AudioSettingsError ? new ConfigError(error.message) : error;
  }
  // The prompt writer's settings (PROMPT_*) are read by their own module; its errors name the variable.
  let prompts: PromptSettings;
  try {
    prompts = loadPromptSettings(env);
  } catch (error) {
    throw error instanceof PromptSettingsError ? new ConfigError(error.message) : error;
  }
  return {
    accessToken,
    allowOpenAccess,
    publicOrigin: variable("PUBLIC_URL", () => parsePublicUrl(e.PUBLIC_URL)),
    allowedHosts: variable("ALLOWED_HOSTS", () => parseHostList(e.ALLOWED_HOSTS ?? "")),
    trustedOrigins: variable("TRUSTED_ORIGINS", () => parseOriginList(e.TRUSTED_ORIGINS ?? "")),
    sessionDays: e.SESSION_DAYS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: e.BODY_TIMEOUT_MS,
    idleTimeoutMs: e.IDLE_TIMEOUT_MS,
    maxConnections: e.MAX_CONNECTIONS,
    maxConnectionsPerClient: e.MAX_CONNECTIONS_PER_CLIENT,
    sseMaxStreams: e.SSE_MAX_STREAMS,
    sseMaxStreamsPerClient: e.SSE_MAX_STREAMS_PER_CLIENT,
    runActionsPerMinute: e.RUN_ACTIONS_PER_MINUTE,
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
    comfyui,
    audio,
    prompts,
    metrics: e.METRICS === "1",
    metricsToken: e.METRICS_TOKEN,
    logFormat: e.LOG_FORMAT,
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * The servers images and videos are made on (base URLs, comma-separated when several), or null for
 * providers that have none: what SCENE_ORDER=auto compares.
 */
export function generationServers(config: Config): { image: string | null; video: string | null } {
  return {
    image: config.comfyui?.image?.urls.join(",") ?? null,
    video: config.comfyui?.video?.urls.join(",") ?? null,
  };
}

/**
 * The GPU servers each kind of part is spread over (COMFYUI_URLS …), for the engine's queues
 * (core/engine/gpu_servers.ts): only kinds made on ComfyUI, with every server listed.
 */
export function partServers(config: Config): PartServers {
  const servers: PartServers = {};
  if (config.comfyui?.image) servers.image = config.comfyui.image.urls;
  if (config.comfyui?.video) servers.video = config.comfyui.video.urls;
  return servers;
}

/** `NAME=value` for an error message: secrets hidden, passwords in URLs masked. */
function shown(name: string, value: string | undefined): string {
  if (SECRET.has(name)) return `${name} (value hidden)`;
  return `${name}=${JSON.stringify(name === "DATABASE_URL" && value ? redactUrl(value) : value)}`;
}

/** The token from STUDIO_TOKEN or STUDIO_TOKEN_FILE (one of them; surrounding whitespace dropped). */
function readToken(token: string | undefined, file: string | undefined): string | undefined {
  if (token !== undefined && file !== undefined) {
    throw new ConfigError("Set STUDIO_TOKEN or STUDIO_TOKEN_FILE, not both.");
  }
  if (file === undefined) return token;
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (err) {
    throw new ConfigError(
      `The environment variable STUDIO_TOKEN_FILE=${JSON.stringify(file)} is not valid: the file cannot be read (${
        (err as Error).name
      }).`,
    );
  }
  const fromFile = text.trim();
  if (fromFile.length < MIN_TOKEN_CHARS) {
    throw new ConfigError(
      `The environment variable STUDIO_TOKEN_FILE=${
        JSON.stringify(file)
      } is not valid: the token in it must be at least ${MIN_TOKEN_CHARS} characters.`,
    );
  }
  return fromFile;
}
