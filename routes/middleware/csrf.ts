/**
 * CSRF protection for the no-JavaScript forms (core/security/csrf.ts explains the token): makes
 * the request's form token available to {@link CsrfField} (components/CsrfField.tsx) through the
 * page context, sets the browser's CSRF cookie when a page rendered a token for a browser
 * without one, and refuses every form POST (everything outside /api/ that is not GET or HEAD)
 * whose `_csrf` field does not match the cookie with 403. Runs after formBody, which has parsed
 * the form. JSON API requests need no token: a cross-site page cannot send `application/json`
 * without a CORS preflight, which the app never grants (json_only.ts, same_origin.ts).
 */
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { CSRF_COOKIE, CSRF_FIELD, csrfTokenFor, isBrowserId, isValidCsrfToken } from "../../core/security/csrf.ts";
import { randomId } from "../../core/security/keys.ts";
import { currentPageContext } from "../../core/security/page_context.ts";
import { ApiError } from "../http.ts";

/** Options of {@link csrfProtection}. */
export interface CsrfOptions {
  /** The CSRF key (core/security/keys.ts). */
  key: Uint8Array;
  /** Mark the cookie Secure (the studio is reached over https). */
  secureCookies: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Issues and checks form tokens; see the module doc. */
export function csrfProtection({ key, secureCookies }: CsrfOptions): MiddlewareHandler {
  return async function csrfProtection(c, next) {
    const cookie = getCookie(c, CSRF_COOKIE);
    let browserId = isBrowserId(cookie) ? cookie : undefined;
    let issued = false;
    const page = currentPageContext();
    if (page) {
      page.csrfToken = () => {
        if (!browserId) {
          browserId = randomId();
          issued = true;
        }
        return csrfTokenFor(key, browserId);
      };
    }

    if (!SAFE_METHODS.has(c.req.method) && !c.req.path.startsWith("/api/")) {
      const form = await c.req.parseBody();
      if (!isValidCsrfToken(key, isBrowserId(cookie) ? cookie : undefined, form[CSRF_FIELD])) {
        throw new ApiError(
          403,
          "This form has expired or was sent from another site, so nothing was changed: reload the page and send it again.",
        );
      }
    }

    await next();
    if (issued) {
      setCookie(c, CSRF_COOKIE, browserId!, {
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookies || new URL(c.req.url).protocol === "https:",
        path: "/",
        maxAge: 400 * 24 * 3600, // the longest browsers keep
      });
    }
  };
}
