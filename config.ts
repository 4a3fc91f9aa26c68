/**
 * The app's settings, read once from the environment and validated with zod. Every variable has a
 * default and a line in the README; a bad value stops start-up with one sentence naming it.
 */
import { z } from "zod";

const providerName = z.enum(["draft", "simulated", "comfyui"]);

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
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/** The validated configuration the rest of the app receives (never reads Deno.env itself). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  imageProvider: "draft" | "simulated" | "comfyui";
  videoProvider: "draft" | "simulated" | "comfyui";
  simulatedImageMs: number;
  simulatedVideoMs: number;
  maxAttempts: number;
  logLevel: "debug" | "info" | "warn" | "error";
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
  for (const name of ["IMAGE_PROVIDER", "VIDEO_PROVIDER"] as const) {
    if (e[name] === "comfyui") {
      throw new ConfigError(
        `The environment variable ${name}=comfyui is not supported yet: the ComfyUI provider comes with a later release; use draft or simulated.`,
      );
    }
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
    logLevel: e.LOG_LEVEL,
  };
}
