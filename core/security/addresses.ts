/**
 * Host names, origins and listen addresses: the pure checks behind the HOST start-up rule, the
 * Host check (DNS rebinding) and the Origin check (cross-site requests).
 */
import { isIP } from "node:net";

/**
 * True for addresses only this machine can reach: `localhost`, 127.0.0.0/8 and ::1.
 *
 * @example
 * isLoopbackHost("127.0.0.1"); // true
 * isLoopbackHost("0.0.0.0"); // false: every interface
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(h) || h === "::ffff:127.0.0.1";
  return false;
}

/** True for an IPv4 address or an IPv6 address (bracketed or not). */
export function isIpLiteral(hostname: string): boolean {
  return isIP(hostname.replace(/^\[(.*)\]$/, "$1")) !== 0;
}

/**
 * The host name of a Host header value, lower-case, without the port (`[::1]:8000` → `[::1]`);
 * undefined when it is not a plausible host.
 */
export function hostnameOfHostHeader(host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
  return url.hostname.toLowerCase();
}

/**
 * Whether a request addressed to `hostname` may be answered. IP addresses and localhost always
 * may: a DNS-rebinding page reaches the server under the attacker's own domain name, never under
 * an IP address. Any other name must be listed (ALLOWED_HOSTS, PUBLIC_URL's host).
 */
export function isAllowedHostname(hostname: string, allowed: readonly string[]): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || isIpLiteral(h) || allowed.includes(h);
}

/**
 * PUBLIC_URL as an origin (`https://studio.example.com`); it must be an http(s) address
 * without a path, since the app is served at the root.
 */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = parseHttpUrl(value, "PUBLIC_URL");
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new Error("it must be the address browsers use, without a path, like https://studio.example.com");
  }
  return url.origin;
}

/** A comma-separated list of origins (`https://a.example, http://10.0.0.5:8000`). */
export function parseOriginList(value: string): string[] {
  return splitList(value).map((item) => {
    const url = parseHttpUrl(item, "origin");
    if (url.origin !== item.replace(/\/$/, "").toLowerCase()) {
      throw new Error(`${JSON.stringify(item)} is not an origin; write it like https://studio.example.com`);
    }
    return url.origin;
  });
}

/** A comma-separated list of host names (`studio.lan, nas.local`), lower-case, no ports. */
export function parseHostList(value: string): string[] {
  return splitList(value).map((item) => {
    const hostname = hostnameOfHostHeader(item);
    if (!hostname || hostname !== item.toLowerCase().replace(/\.$/, "")) {
      throw new Error(
        `${JSON.stringify(item)} is not a host name; write names without scheme or port, like studio.lan`,
      );
    }
    return hostname;
  });
}

function splitList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter(Boolean);
}

function parseHttpUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${JSON.stringify(value)} is not a URL; write it like https://studio.example.com`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`the ${what} must start with http:// or https://`);
  }
  if (url.username || url.password) throw new Error(`the ${what} must not hold a user name or password`);
  return url;
}

/**
 * How the start-up line names the listening address: the real address and port, and for the
 * wildcard addresses the machine's own addresses a browser can use.
 *
 * @example
 * describeListenAddress("0.0.0.0", 8000, ["192.168.1.5"]);
 * // "0.0.0.0:8000 (every network interface: http://localhost:8000/, http://192.168.1.5:8000/)"
 */
export function describeListenAddress(hostname: string, port: number, interfaceAddresses: string[]): string {
  const bracket = (h: string) => (isIP(h) === 6 ? `[${h}]` : h);
  const address = `${bracket(hostname)}:${port}`;
  if (hostname === "0.0.0.0" || hostname === "::") {
    const urls = ["localhost", ...interfaceAddresses].map((h) => `http://${bracket(h)}:${port}/`);
    return `${address} (every network interface: ${urls.join(", ")})`;
  }
  return `${address} (http://${bracket(hostname)}:${port}/)`;
}
