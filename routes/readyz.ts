/**
 * GET /readyz: 200 when this process can do its work, 503 otherwise, with the JSON of
 * core/system/readiness.ts either way (database, migrations, worker pool and heartbeats, embedded
 * Postgres, generation servers). /healthz stays the plain liveness check (the process answers HTTP).
 */
import type { Context } from "hono";
import { checkReadiness } from "../core/system/readiness.ts";
import type { AppDeps } from "./deps.ts";

/** The /readyz handler. */
export function readyz(deps: AppDeps) {
  const { config } = deps;
  const settings = {
    workerDeadAfterMs: config.workerDeadAfterMs,
    providers: {
      image: { name: config.imageProvider, servers: config.comfyui?.image?.urls ?? [] },
      video: { name: config.videoProvider, servers: config.comfyui?.video?.urls ?? [] },
    },
  };
  return async (c: Context) => {
    const readiness = await checkReadiness(deps.sql, deps.readiness ?? {}, settings);
    c.header("cache-control", "no-store");
    return c.json(readiness, readiness.ready ? 200 : 503);
  };
}
