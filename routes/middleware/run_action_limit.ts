/**
 * Rate limit of generate, cancel and retry per project (`POST /api/v1/projects/:id/generate-scenes`,
 * `cancel-scenes`, `retry-failed-scenes`) and of regenerate per scene (`POST
 * /api/v1/sentences/:id/regenerate`): at most `perMinute` a minute per project (or scene), in bursts of
 * up to `perMinute`, so a loop of clicks (or a script) cannot fill the disk with runs and events.
 * Over the limit: 429 with Retry-After and a sentence. Counted in memory per process
 * (core/security/limiters.ts TokenBucket): with several web processes each allows its own share.
 */
import type { MiddlewareHandler } from "hono";
import { TokenBucket } from "../../core/security/limiters.ts";

const RUN_ACTION =
  /^\/api\/v1\/(projects\/[1-9]\d{0,9})\/(?:generate-scenes|cancel-scenes|retry-failed-scenes)$|^\/api\/v1\/(sentences\/[1-9]\d{0,9})\/regenerate$/;

/** Limits run actions per project; mount on the app (it matches its paths itself). */
export function runActionLimit(options: { perMinute: number }): MiddlewareHandler {
  const buckets = new TokenBucket(options.perMinute);
  return async function runActionLimit(c, next) {
    const match = c.req.method === "POST" ? RUN_ACTION.exec(c.req.path) : null;
    if (!match) return await next();
    const key = match[1] ?? match[2];
    const waitMs = buckets.take(key);
    if (waitMs === 0) return await next();
    const seconds = Math.ceil(waitMs / 1000);
    return c.json(
      {
        error: `Too many generate, cancel or retry requests for ${
          key.replace("/", " ").replace(/s /, " ")
        }: at most ${options.perMinute} a minute. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
      },
      429,
      { "Retry-After": String(seconds) },
    );
  };
}
