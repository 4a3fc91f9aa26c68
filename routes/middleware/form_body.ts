/**
 * Reads the body of every form POST (the pages' routes, everything outside /api/) once, before
 * its handler: a body that is not a form (wrong Content-Type) gets 415 and a broken one
 * (multipart without a boundary, a cut-off upload) 400, instead of an exception in the handler.
 * Handlers and the CSRF check then read the parsed form from Hono's cache (`c.req.parseBody()`).
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../http.ts";

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Parses form bodies up front; see the module doc. */
export function formBody(): MiddlewareHandler {
  return async function formBody(c, next) {
    if (SAFE_METHODS.has(c.req.method) || c.req.path.startsWith("/api/")) return await next();
    const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (!FORM_TYPES.has(type)) {
      throw new ApiError(415, "This address takes forms only: send the form from its page.");
    }
    try {
      await c.req.parseBody();
    } catch (err) {
      if (err instanceof ApiError || (err as Error)?.name === "BodyLimitError") throw err;
      throw new ApiError(400, "The form could not be read (it was cut off or broken): send it again from its page.");
    }
    await next();
  };
}
