/**
 * The address a request came from, as limits key it (connection caps, SSE caps, login attempts).
 * Deno.serve passes the connection's info as Hono's env (`c.env.remoteAddr`); behind the
 * connection guard (server/connection_guard.ts) main.ts hands the app the guard's client address
 * instead. Behind a reverse proxy every client is the proxy: X-Forwarded-For is not trusted,
 * since any client can send it.
 */
import type { Context } from "hono";

/** The client's IP address, or "local" when the request did not come over a network (tests). */
export function clientAddress(c: Context): string {
  const env = c.env as { remoteAddr?: { hostname?: string } } | undefined;
  return env?.remoteAddr?.hostname ?? "local";
}
