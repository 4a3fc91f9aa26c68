/**
 * Headers on every response: a Content-Security-Policy, nosniff, a Referrer-Policy, no framing,
 * and a Cache-Control for responses that did not choose one.
 *
 * The policy allows scripts from this origin only, and no inline script or event-handler
 * attribute at all: the pages' only executable script is the island bundle (`<script
 * type="module" src="/static/build/islands-<hash>/entry.js">`, with the chunks it imports — preloaded
 * with `<link rel="modulepreload">` or imported later with `import()` — from the same folder, which
 * `script-src 'self'` allows), and the islands' props travel in a
 * `<script type="application/json">` block, which browsers never execute, so no nonce or hash is
 * needed. Inline `style` attributes stay allowed (`style-src-attr`): the island markers and the
 * progress bar use them, and they cannot run code. `<style>` elements and remote styles are not.
 *
 * Cache-Control: hashed static files are `immutable` (set by islands_runtime/static.ts), media
 * files `private` and immutable (routes/media.ts), pages `private, no-cache` (always revalidated,
 * never kept by a shared cache), API answers and everything else `private, no-store`.
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** The Content-Security-Policy of every response. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  styleSrcAttr: ["'unsafe-inline'"],
  imgSrc: ["'self'", "data:"], // the stylesheet's placeholder icons are data: SVGs
  mediaSrc: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  frameSrc: ["'none'"],
  workerSrc: ["'none'"],
};

/** Sets the security headers and a default Cache-Control; see the module doc. */
export function securityHeaders(): MiddlewareHandler {
  const secure = secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
    crossOriginResourcePolicy: "same-origin",
    crossOriginOpenerPolicy: "same-origin",
    // HSTS belongs to the TLS-terminating proxy: over plain http it is ignored anyway.
    strictTransportSecurity: false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
  return async function securityHeaders(c, next) {
    await secure(c, next);
    if (!c.res.headers.has("cache-control")) {
      const type = c.res.headers.get("content-type") ?? "";
      setHeader(c, "Cache-Control", type.startsWith("text/html") ? "private, no-cache" : "private, no-store");
    }
  };
}

function setHeader(c: Parameters<MiddlewareHandler>[0], name: string, value: string) {
  try {
    c.res.headers.set(name, value);
  } catch {
    // Immutable headers (a fetched Response): copy the response first.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}
