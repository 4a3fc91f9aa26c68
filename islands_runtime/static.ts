/**
 * Hono middleware serving files under a URL prefix (default `/static`) from a
 * directory (default `<project>/static`, or the one-file build's extracted copy:
 * core/system/assets.ts).
 *
 * ```ts
 * app.use("/static/*", staticFiles());            // <project>/static
 * app.use("/static/*", staticFiles({ root: "/srv/static" }));
 * ```
 *
 * - Hashed names (`…-<8+ hex digits>.<ext>`, e.g. `fonts/x-3f2a9c…woff2`) and every file in a
 *   folder with a hashed name (`…-<8+ hex digits>/`, e.g. the islands build's
 *   `build/islands-3f2a9c…/chunk-K6XD3WBK.js`: the folder's name is the hash of all its files)
 *   get `Cache-Control: public, max-age=31536000, immutable`; other files get
 *   `public, max-age=60, must-revalidate` and are revalidated with ETag
 *   (`If-None-Match` → 304).
 * - If the client accepts gzip and `<file>.gz` exists (the islands build writes
 *   one), that is sent with `Content-Encoding: gzip` (`Vary: Accept-Encoding`).
 * - GET and HEAD only; anything not found (or not a regular file) goes to
 *   `next()`, so the app's 404 applies. Paths with `..`, dot-segments or
 *   dotfiles, backslashes or NUL are refused (404), and a symlink may not leave
 *   the root.
 *
 * @module
 */

import type { MiddlewareHandler } from "hono";
import { join, resolve, sep } from "node:path";
import { assetPath } from "../core/system/assets.ts";
import { contentType } from "../core/system/mime.ts";

/** Options of {@link staticFiles}. */
export interface StaticFilesOptions {
  /** Directory to serve; default `<project>/static`. */
  root?: string;
  /** URL prefix mounted on; default "/static". */
  prefix?: string;
  /** Cache-Control for files without a content hash in the name. */
  shortCacheControl?: string;
}

const IMMUTABLE = "public, max-age=31536000, immutable";
const HASHED = /-[0-9a-f]{8,}\.[A-Za-z0-9]+$/;

const HASHED_DIR = /-[0-9a-f]{8,}$/;

/** True if `name` carries a content hash (so it can be cached forever). */
export function isHashedFileName(name: string): boolean {
  return HASHED.test(name);
}

/**
 * True if the file at `path` (relative, `/`-separated) can be cached forever: its name carries a
 * content hash, or a folder it is in does (the islands build's folder).
 */
export function isHashedPath(path: string): boolean {
  const segments = path.split("/");
  return isHashedFileName(segments[segments.length - 1]) || segments.slice(0, -1).some((s) => HASHED_DIR.test(s));
}

async function statFile(path: string): Promise<Deno.FileInfo | null> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? info : null;
  } catch {
    return null;
  }
}

function defaultRoot(): string {
  const root = assetPath("static");
  if (!root) throw new Error("The one-file build serves static files only after extractEmbeddedAssets().");
  return root;
}

/** Middleware serving `root` under `prefix`; see the module doc. */
export function staticFiles(options: StaticFilesOptions = {}): MiddlewareHandler {
  const root = resolve(options.root ?? defaultRoot());
  const prefix = (options.prefix ?? "/static").replace(/\/$/, "") + "/";
  const shortCache = options.shortCacheControl ??
    "public, max-age=60, must-revalidate";
  let realRoot: string | null = null;

  return async (c, next) => {
    const method = c.req.method;
    const pathname = new URL(c.req.url).pathname;
    if ((method !== "GET" && method !== "HEAD") || !pathname.startsWith(prefix)) {
      return await next();
    }
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(prefix.length));
    } catch {
      return await next();
    }
    const segments = relative.split("/");
    if (
      relative === "" || relative.includes("\\") || relative.includes("\0") ||
      segments.some((s) => s === "" || s.startsWith("."))
    ) {
      return await next();
    }
    const path = join(root, ...segments);
    const info = await statFile(path);
    if (!info) return await next();
    try {
      realRoot ??= await Deno.realPath(root);
      const real = await Deno.realPath(path);
      if (!real.startsWith(realRoot + sep)) return await next();
    } catch {
      return await next();
    }

    const name = segments[segments.length - 1];
    const hashed = isHashedPath(segments.join("/"));
    const acceptsGzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    const gzInfo = acceptsGzip ? await statFile(`${path}.gz`) : null;
    const served = gzInfo ?? info;
    const etag = `"${served.size.toString(36)}-${(served.mtime?.getTime() ?? 0).toString(36)}${gzInfo ? "-gz" : ""}"`;

    const headers = new Headers({
      "content-type": contentType(name) ?? "application/octet-stream",
      "cache-control": hashed ? IMMUTABLE : shortCache,
      "etag": etag,
      "x-content-type-options": "nosniff",
      "vary": "Accept-Encoding",
    });
    if (gzInfo) headers.set("content-encoding", "gzip");
    if (served.mtime) headers.set("last-modified", served.mtime.toUTCString());

    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
      headers.delete("content-length");
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-length", String(served.size));
    if (method === "HEAD") return new Response(null, { status: 200, headers });
    const file = await Deno.open(gzInfo ? `${path}.gz` : path, { read: true });
    return new Response(file.readable, { status: 200, headers });
  };
}
