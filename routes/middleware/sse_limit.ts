/**
 * Caps the live-update streams (`GET /api/v1/projects/:id/events`) open at once: `perClient`
 * from one client address (429 when over) and `total` for the process (503 when over), each
 * with a sentence saying what to do. A stream counts from the moment it is admitted until its
 * body ends or the client goes away. Behind a reverse proxy every client has the proxy's address:
 * raise SSE_MAX_STREAMS_PER_CLIENT there.
 */
import type { MiddlewareHandler } from "hono";
import { clientAddress } from "../client_address.ts";

/** Options of {@link sseLimit}. */
export interface SseLimitOptions {
  total: number;
  perClient: number;
}

/** The streams counted now, for tests and the admin. */
export interface SseCounts {
  total: number;
  byClient: ReadonlyMap<string, number>;
}

/** Limits concurrent event streams; mount on the events route only. */
export function sseLimit(options: SseLimitOptions): MiddlewareHandler & { counts(): SseCounts } {
  let total = 0;
  const byClient = new Map<string, number>();
  const release = (client: string) => {
    total--;
    const n = (byClient.get(client) ?? 1) - 1;
    if (n <= 0) byClient.delete(client);
    else byClient.set(client, n);
  };

  const middleware: MiddlewareHandler = async function sseLimit(c, next) {
    if (c.req.method !== "GET") return await next();
    const client = clientAddress(c);
    if ((byClient.get(client) ?? 0) >= options.perClient) {
      return c.json(
        {
          error:
            `Too many live-update streams are open from your address (${options.perClient}): close some Scene Studio tabs and reload.`,
        },
        429,
        { "Retry-After": "10" },
      );
    }
    if (total >= options.total) {
      return c.json(
        {
          error:
            `The server has as many live-update streams open as it allows (${options.total}); try again in a minute.`,
        },
        503,
        { "Retry-After": "30" },
      );
    }
    total++;
    byClient.set(client, (byClient.get(client) ?? 0) + 1);
    let released = false;
    const releaseOnce = () => {
      if (!released) {
        released = true;
        release(client);
      }
    };
    try {
      await next();
    } catch (err) {
      releaseOnce();
      throw err;
    }
    const body = c.res.body;
    if (!body || !c.res.headers.get("content-type")?.startsWith("text/event-stream")) {
      releaseOnce();
      return;
    }
    c.res = new Response(countedStream(body, releaseOnce), c.res);
  };
  return Object.assign(middleware, { counts: (): SseCounts => ({ total, byClient }) });
}

/** The same stream, calling `onEnd` once when it ends, fails or is cancelled. */
function countedStream(body: ReadableStream<Uint8Array>, onEnd: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          onEnd();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        onEnd();
        controller.error(err);
      }
    },
    async cancel(reason) {
      onEnd();
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
