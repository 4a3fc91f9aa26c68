/**
 * GET /metrics: Prometheus metrics (core/system/metrics.ts) when METRICS=1, else 404. With
 * METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>` — a wrong one is 401 JSON and
 * counts as a failed login of the client's address, like a wrong access token — and the access
 * token (STUDIO_TOKEN) is not needed; without it, /metrics is guarded like every other route.
 */
import type { Context } from "hono";
import { constantTimeEqual } from "../core/security/keys.ts";
import type { FailureLimiter } from "../core/security/limiters.ts";
import { collectMetrics, METRICS_CONTENT_TYPE } from "../core/system/metrics.ts";
import type { AppDeps } from "./deps.ts";
import { clientAddress } from "./client_address.ts";
import { tooManyAttempts } from "./middleware/access.ts";

/** The path access control leaves to this route when METRICS_TOKEN is set. */
export const METRICS_PATH = /^\/metrics$/;

/** The /metrics handler. */
export function metrics(deps: AppDeps, failures: FailureLimiter) {
  const { config } = deps;
  return async (c: Context) => {
    if (!config.metrics) {
      return c.json({ error: "There is nothing at /metrics: set METRICS=1 to serve Prometheus metrics." }, 404);
    }
    const token = config.metricsToken;
    if (token !== undefined) {
      const client = clientAddress(c);
      const wait = failures.retryAfterMs(client);
      if (wait > 0) return tooManyAttempts(c, wait);
      const given = /^Bearer ([\x21-\x7e]+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
      if (given === undefined || !constantTimeEqual(given, token)) {
        if (given !== undefined) failures.fail(client);
        return c.json(
          {
            error: given === undefined
              ? "Metrics need the metrics token: send Authorization: Bearer <the value of METRICS_TOKEN>."
              : "The metrics token is wrong: send Authorization: Bearer <the value of METRICS_TOKEN>.",
          },
          401,
          { "WWW-Authenticate": 'Bearer realm="Scene Studio metrics"' },
        );
      }
      failures.succeed(client);
    }
    const body = await collectMetrics(deps.sql, deps.hub);
    return c.body(body, 200, { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" });
  };
}
