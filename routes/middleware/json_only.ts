/**
 * The JSON API takes JSON only: a state-changing request to /api/ with a body, or with any
 * Content-Type, must say exactly `application/json` (optionally `; charset=utf-8`). That is the
 * type a cross-site page cannot send without a CORS preflight (which the app never grants):
 * forms send `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`, and
 * `text/plain; application/json` is text/plain. Everything else gets 415 before any handler,
 * including the bodiless POSTs (generate, cancel). routes/http.ts readJson checks the same.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError, isJsonContentType } from "../http.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Refuses non-JSON bodies on /api/; see the module doc. */
export function jsonOnly(): MiddlewareHandler {
  return async function jsonOnly(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return await next();
    const type = c.req.header("content-type");
    const hasBody = c.req.raw.body !== null && Number(c.req.header("content-length") ?? 1) > 0;
    if ((type !== undefined || hasBody) && !isJsonContentType(type)) {
      throw new ApiError(415, "Send the request body as JSON with the header Content-Type: application/json.");
    }
    await next();
  };
}
