/**
 * Refuses requests addressed to a host name the studio does not answer to, so a DNS-rebinding
 * page (evil.example resolving to the studio's address) cannot read or drive it: the browser
 * sends `Host: evil.example`, which is not on the list. IP addresses and localhost always pass
 * (a rebinding page never appears under those); other names must be in ALLOWED_HOSTS or be
 * PUBLIC_URL's host. The port is not compared: a rebinding page shares it anyway.
 */
import type { MiddlewareHandler } from "hono";
import { hostnameOfHostHeader, isAllowedHostname } from "../../core/security/addresses.ts";

/** Options of {@link hostCheck}. */
export interface HostCheckOptions {
  /** Names besides IP addresses and localhost (lower-case). */
  allowedHosts: readonly string[];
}

/** Answers 421 to requests for other host names; see the module doc. */
export function hostCheck(options: HostCheckOptions): MiddlewareHandler {
  return async function hostCheck(c, next) {
    // Deno.serve builds the URL from the Host header (or the absolute request target).
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    const hostname = hostnameOfHostHeader(host);
    if (hostname !== undefined && isAllowedHostname(hostname, options.allowedHosts)) return await next();
    const shown = JSON.stringify(host.slice(0, 100));
    const message =
      `This server does not answer to the host name ${shown}. If that is how you reach Scene Studio, add the name to ALLOWED_HOSTS (or set PUBLIC_URL) on the server.`;
    return c.json({ error: message }, 421);
  };
}
