/** GET /static/*: the stylesheet, icons and the built island bundle from static/. */
import type { Context } from "hono";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const STATIC_DIR = fileURLToPath(new URL("../static/", import.meta.url));
const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

export function serveStaticFiles(dir = STATIC_DIR) {
  const root = resolve(dir);
  return async function staticFiles(c: Context) {
    const relative = decodeURIComponent(c.req.path.replace(/^\/static\//, ""));
    const path = resolve(root, relative);
    const type = TYPES[extname(path)];
    if (!path.startsWith(root + sep) || !type) return c.json({ error: "There is no such static file." }, 404);
    try {
      const body = await Deno.readFile(path);
      // Hashed bundle names never change content; everything else may change between releases.
      const hashed = /-[0-9a-f]{8,}\.\w+$/.test(path);
      return c.body(body, 200, {
        "Content-Type": type,
        "Cache-Control": hashed ? "public, max-age=31536000, immutable" : "public, max-age=300",
        "X-Content-Type-Options": "nosniff",
      });
    } catch {
      return c.json({ error: "There is no such static file." }, 404);
    }
  };
}
