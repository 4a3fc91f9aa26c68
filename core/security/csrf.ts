/**
 * CSRF tokens for the no-JavaScript forms (signed double submit): each browser gets a random id
 * in an HttpOnly, SameSite=Strict cookie, and its forms carry HMAC(csrf key, that id). Another
 * site can neither read the cookie nor compute the HMAC, and a cookie planted by a sibling host
 * is useless without the key. The Origin / Sec-Fetch-Site check (routes/middleware/same_origin.ts)
 * refuses cross-site requests first; this covers browsers that send neither header.
 */
import { constantTimeEqual, sign } from "./keys.ts";

/** The form field name the token travels in. */
export const CSRF_FIELD = "_csrf";
/** The cookie holding the browser's id. */
export const CSRF_COOKIE = "studio_csrf";

const BROWSER_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The token a form of the browser with `browserId` must carry. */
export function csrfTokenFor(key: Uint8Array, browserId: string): string {
  return sign(key, `csrf\0${browserId}`);
}

/** Whether `token` is the token of `browserId` (constant time). */
export function isValidCsrfToken(key: Uint8Array, browserId: string | undefined, token: unknown): boolean {
  if (!browserId || !BROWSER_ID.test(browserId) || typeof token !== "string") return false;
  return constantTimeEqual(token, csrfTokenFor(key, browserId));
}

/** Whether a cookie value can be a browser id (anything else is replaced by a fresh one). */
export function isBrowserId(value: string | undefined): value is string {
  return value !== undefined && BROWSER_ID.test(value);
}
