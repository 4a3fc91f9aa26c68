/**
 * GET /readyz: 200 when this process can do its work, 503 otherwise, with the JSON of
 * core/system/readiness.ts either way (database, worker pool, embedded Postgres). /healthz stays
 * the plain liveness check (the process answers HTTP).
 */
import type { Context } from "hono";
import { checkReadiness } from "../core/system/readiness.ts";
import type { AppDeps } from "./deps.ts";

/** The /readyz handler. */
export function readyz(deps: AppDeps) {
  return async (c: Context) => {
    const readiness = await checkReadiness(deps.sql, deps.readiness ?? {});
    c.header("cache-control", "no-store");
    return c.json(readiness, readiness.ready ? 200 : 503);
  };
}
