/**
 * Reads every request body in full before its handler, within a deadline and a size cap: a
 * client that trickles its body (or stops sending it) gets 408 after `timeoutMs` instead of
 * holding a handler forever, and one that sends more than `maxBytes` gets 413 without the rest
 * being read. Handlers then read the body from memory. Deno.serve has no body timeout of its
 * own; header and idle timeouts are the connection guard's (server/connection_guard.ts).
 * Both refusals close the connection, so the unread rest of the body is never parsed as a
 * request.
 */
import type { MiddlewareHandler } from "hono";

/** Options of {@link bodyTimeout}. */
export interface BodyTimeoutOptions {
  /** The whole body must arrive within this time of the request's headers. */
  timeoutMs: number;
  /** Larger bodies are refused. */
  maxBytes: number;
}

/** Buffers request bodies with a deadline and a size cap; see the module doc. */
export function bodyTimeout({ timeoutMs, maxBytes }: BodyTimeoutOptions): MiddlewareHandler {
  const tooLarge = `The request body is larger than ${formatBytes(maxBytes)}.`;
  return async function bodyTimeout(c, next) {
    const body = c.req.raw.body;
    if (!body || c.req.method === "GET" || c.req.method === "HEAD") return await next();
    const close = { Connection: "close" };
    if (Number(c.req.header("content-length") ?? 0) > maxBytes) {
      await body.cancel().catch(() => {});
      return c.json({ error: tooLarge }, 413, close);
    }
    const reader = body.getReader();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reader.cancel().catch(() => {});
    }, timeoutMs);
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > maxBytes) {
          await reader.cancel().catch(() => {});
          return c.json({ error: tooLarge }, 413, close);
        }
        chunks.push(value);
      }
    } catch {
      if (!timedOut) return c.json({ error: "The request body could not be read: send it again." }, 400, close);
    } finally {
      clearTimeout(timer);
    }
    if (timedOut) {
      return c.json(
        { error: `The request body did not arrive within ${timeoutMs / 1000} seconds: send it again.` },
        408,
        close,
      );
    }
    const buffer = chunks.length === 1 ? chunks[0] : new Uint8Array(size);
    if (chunks.length > 1) {
      let at = 0;
      for (const chunk of chunks) {
        buffer.set(chunk, at);
        at += chunk.length;
      }
    }
    c.req.raw = new Request(c.req.raw, { body: buffer });
    if (size > LARGE_BODY_BYTES) await yieldToEventLoop();
    await next();
  };
}

/** Bodies above this size give other requests a turn between the steps that handle them. */
export const LARGE_BODY_BYTES = 256 * 1024;

/**
 * Lets other requests (health checks, live streams) run before the next step of a large body:
 * copying, decoding and parsing 2 MB take tens of milliseconds each on a busy machine, and
 * together they would hold the event loop for all of them at once.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}
