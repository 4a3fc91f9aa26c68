/**
 * Access control (STUDIO_TOKEN): every page, API call, SSE stream and media file needs either a
 * session cookie from the login page or `Authorization: Bearer <token>`. Without a token set,
 * everything passes (a loopback-only studio; config.ts refuses other HOSTs without one).
 *
 * - Open to all: `/login`, `/logout`, `/healthz` and `/static/` (the stylesheet, icons and the
 *   public island bundle; no data). Paths that check a token of their own (`selfChecked`: /metrics
 *   with METRICS_TOKEN) pass too.
 * - Without credentials, API and media requests get 401 JSON with `WWW-Authenticate: Bearer`;
 *   pages redirect to `/login?next=<the page>`.
 * - A wrong bearer token counts as a failed login of the client's address (login.tsx counts
 *   the form's); after too many, 429 with Retry-After until the window has passed.
 * - The session cookie is SameSite=Strict, so a link from another site arrives without it: such
 *   a navigation gets a page that reloads itself once, as a same-site navigation that carries
 *   the cookie, instead of the login form.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { constantTimeEqual } from "../../core/security/keys.ts";
import type { FailureLimiter } from "../../core/security/limiters.ts";
import { currentPageContext } from "../../core/security/page_context.ts";
import type { Sessions } from "../../core/security/session.ts";
import { clientAddress } from "../client_address.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "studio_session";

/** Options of {@link accessControl}. */
export interface AccessOptions {
  /** The access token; undefined turns access control off. */
  token: string | undefined;
  sessions: Sessions;
  /** Failed attempts per client address (shared with the login form). */
  failures: FailureLimiter;
  /** Paths whose route checks a token of its own (and counts failures with the same limiter). */
  selfChecked?: RegExp;
}

const OPEN_PATHS = /^\/(login|logout|healthz)$|^\/static\//;

/** Lets only signed-in requests through; see the module doc. */
export function accessControl(options: AccessOptions): MiddlewareHandler {
  const { token, sessions, failures } = options;
  return async function accessControl(c, next) {
    if (token === undefined) return await next();
    const page = currentPageContext();
    const session = sessions.verify(getCookie(c, SESSION_COOKIE));
    if (session && page) page.signedIn = true;
    if (OPEN_PATHS.test(c.req.path) || options.selfChecked?.test(c.req.path) || session) return await next();

    const authorization = c.req.header("authorization");
    if (authorization !== undefined) {
      const client = clientAddress(c);
      const wait = failures.retryAfterMs(client);
      if (wait > 0) return tooManyAttempts(c, wait);
      const given = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization)?.[1];
      if (given !== undefined && constantTimeEqual(given, token)) {
        failures.succeed(client);
        return await next();
      }
      failures.fail(client);
      return unauthorized(c, "The access token is wrong: send Authorization: Bearer <the value of STUDIO_TOKEN>.");
    }

    const isApi = /^\/(api|media)\//.test(c.req.path);
    if (isApi) {
      return unauthorized(
        c,
        "Sign in first: send the access token as Authorization: Bearer <token>, or log in at /login.",
      );
    }
    if (c.req.method === "GET" || c.req.method === "HEAD") {
      if (c.req.header("sec-fetch-site") === "cross-site" && getCookie(c, SESSION_COOKIE) === undefined) {
        return c.html(RELOAD_PAGE);
      }
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    return c.redirect("/login", 303);
  };
}

function unauthorized(c: Context, error: string) {
  return c.json({ error }, 401, { "WWW-Authenticate": 'Bearer realm="Scene Studio"' });
}

/** 429 for a client that failed too often; shared with the login form. */
export function tooManyAttempts(c: Context, waitMs: number) {
  return c.json({ error: tooManyAttemptsMessage(waitMs) }, 429, { "Retry-After": String(Math.ceil(waitMs / 1000)) });
}

/** The sentence for a locked-out client. */
export function tooManyAttemptsMessage(waitMs: number): string {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return `Too many wrong access tokens from your address: try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

// A same-site reload: the browser then sends the SameSite=Strict session cookie. CSP allows it.
const RELOAD_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0"><title>Scene Studio</title></head>
<body><p><a href="">Open Scene Studio</a></p></body></html>`;
