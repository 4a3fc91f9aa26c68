/**
 * Refuses requests another site makes the creator's browser send.
 *
 * - State-changing requests (anything but GET, HEAD, OPTIONS) must come from the app's own
 *   origin: the `Origin` header, when sent, must be the request's own origin, PUBLIC_URL's, or
 *   one of TRUSTED_ORIGINS (`null`, sent by sandboxed frames and data: pages, never is); without
 *   Origin, `Sec-Fetch-Site` must be `same-origin` or `none` (typed by the user). `same-site` is
 *   refused too: another port of localhost is the same site. A request with neither header is
 *   not from a current browser (curl, scripts); the forms' CSRF token covers old browsers.
 * - Reads (GET, HEAD) that another site triggers (`Sec-Fetch-Site: cross-site` or `same-site`)
 *   are refused unless they are a top-level navigation to a page (a link to the studio works):
 *   no `<img src>` of media, `<script src>` of the API, EventSource or iframe from elsewhere.
 *   `/static/` and `/healthz` are public and exempt.
 *
 * "Own origin" is the request URL's origin, which Deno builds from the Host header; the Host
 * check (host_check.ts) runs first, so a rebinding page cannot make its origin ours.
 */
import type { Context, MiddlewareHandler } from "hono";

/** Options of {@link sameOrigin}. */
export interface SameOriginOptions {
  /** PUBLIC_URL's origin, if set. */
  publicOrigin?: string;
  /** TRUSTED_ORIGINS. */
  trustedOrigins: readonly string[];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const PUBLIC_PATHS = /^\/(static\/|healthz$)/;

/** Refuses cross-site requests; see the module doc. */
export function sameOrigin(options: SameOriginOptions): MiddlewareHandler {
  return async function sameOrigin(c, next) {
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const trusted = (o: string) =>
      o === new URL(c.req.url).origin || o === options.publicOrigin || options.trustedOrigins.includes(o);

    if (!SAFE_METHODS.has(c.req.method)) {
      if (origin !== undefined) {
        if (!trusted(origin)) return refuse(c, `it came from the page of another site (${origin.slice(0, 100)})`);
      } else if (site !== undefined && site !== "same-origin" && site !== "none") {
        return refuse(c, "the browser says it came from another site");
      }
      return await next();
    }

    if ((site === "cross-site" || site === "same-site") && !PUBLIC_PATHS.test(c.req.path)) {
      const navigation = c.req.header("sec-fetch-mode") === "navigate" &&
        c.req.header("sec-fetch-dest") === "document" && !/^\/(api|media)\//.test(c.req.path);
      if (!navigation && !(origin !== undefined && trusted(origin))) {
        return refuse(c, "another site asked the browser to load it");
      }
    }
    return await next();
  };
}

function refuse(c: Context, why: string) {
  const error =
    `This request was refused because ${why}. If you use Scene Studio through a proxy or another address, set PUBLIC_URL to the address your browser shows, or add that origin to TRUSTED_ORIGINS.`;
  return c.json({ error }, 403);
}
