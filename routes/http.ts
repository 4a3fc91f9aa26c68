/**
 * Small HTTP helpers shared by the routes: reading a JSON body through a zod schema, parsing ids
 * from paths, and turning domain errors into JSON responses with the right status.
 */
import type { Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from "../core/domain/errors.ts";
import { LARGE_BODY_BYTES, yieldToEventLoop } from "./middleware/body_timeout.ts";
import { classifyFault } from "../core/system/faults.ts";

/** One problem with a request field, as the API reports it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** An HTTP error with a JSON body `{error, issues?}`. */
export class ApiError extends Error {
  constructor(readonly status: ContentfulStatusCode, message: string, readonly issues?: FieldIssue[]) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * Reads and validates a JSON body; a 400 ApiError naming each bad field otherwise. The body must
 * be sent as exactly `application/json` (415 otherwise: see {@link isJsonContentType}) and be
 * valid UTF-8 (400 otherwise, rather than letting U+FFFD replace the broken bytes).
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  if (!isJsonContentType(c.req.header("content-type"))) {
    throw new ApiError(415, "Send the request body as JSON with the header Content-Type: application/json.");
  }
  const bytes = await c.req.arrayBuffer();
  // A large body (a 2,000,000-character script) is decoded, parsed and checked in separate turns
  // of the event loop, so other requests are answered in between (middleware/body_timeout.ts).
  const large = bytes.byteLength > LARGE_BODY_BYTES;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "The request body is not valid UTF-8 text.");
  }
  if (large) await yieldToEventLoop();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "The request body is not valid JSON.");
  }
  if (large) await yieldToEventLoop();
  return parseWith(schema, body);
}

/**
 * Like {@link readJson} for routes whose body is optional: an empty body reads as `{}` (and must
 * pass the schema as such).
 */
export async function readOptionalJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const hasBody = c.req.raw.body !== null && (await c.req.raw.clone().text()).trim() !== "";
  return hasBody ? await readJson(c, schema) : parseWith(schema, {});
}

/**
 * True for `application/json`, optionally with `charset=utf-8`, and nothing else: not
 * `text/plain; application/json` (which a cross-site form can send), not `application/json5`.
 */
export function isJsonContentType(type: string | undefined): boolean {
  if (type === undefined) return false;
  const [media, ...params] = type.split(";").map((part) => part.trim().toLowerCase());
  return media === "application/json" &&
    params.every((p) => p === "" || p === "charset=utf-8" || p === 'charset="utf-8"');
}

/** Validates any value (a JSON body, form fields) against a schema; a 400 ApiError otherwise. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join(".") || "(body)",
    message: issue.message,
  }));
  throw new ApiError(
    400,
    `The request is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`,
    issues,
  );
}

/** Parses a numeric id from the path; ids that cannot exist give a 404 like unknown ones. */
export function idParam(c: Context, name: string, what: string): number {
  const raw = c.req.param(name) ?? "";
  const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) {
    throw new ApiError(404, `There is no ${what} with id ${JSON.stringify(raw)}.`);
  }
  return id;
}

/** Maps any thrown error to `{status, body}` for a JSON response. */
export function errorToJson(err: unknown): { status: ContentfulStatusCode; body: Record<string, unknown> } {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      body: err.issues ? { error: err.message, issues: err.issues } : { error: err.message },
    };
  }
  if (err instanceof NotFoundError) return { status: 404, body: { error: err.message } };
  if (err instanceof ConflictError) return { status: 409, body: { ...err.details, error: err.message } };
  if (err instanceof UnavailableError) return { status: 503, body: { error: err.message } };
  if (err instanceof InvalidInputError) {
    return { status: 400, body: { error: err.message, issues: [{ path: err.field, message: err.message }] } };
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return { status, body: { error: err.message || "The request could not be handled." } };
  }
  // The database is down or restarting (a route reaches no other server): say so, and that it passes.
  const fault = classifyFault(err);
  if (fault && fault.kind !== "disk-full" && fault.kind !== "disk-read-only" && fault.kind !== "disk-failing") {
    return {
      status: 503,
      body: { error: "The database cannot be reached right now, so nothing was changed. Try again in a moment." },
    };
  }
  return { status: 500, body: { error: "Something went wrong on the server; the error was logged." } };
}

/** Answers 405 with an Allow header for the other methods on each `[path, allowed methods]`. */
export function allowOnly(api: Hono, routes: readonly (readonly [path: string, allow: string])[]): void {
  for (const [path, allow] of routes) {
    api.all(
      path,
      (c) => c.json({ error: `${c.req.method} is not allowed on ${c.req.path}; use ${allow}.` }, 405, { Allow: allow }),
    );
  }
}
