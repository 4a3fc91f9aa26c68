import assert from "node:assert/strict";
import { Hono } from "hono";
import { securityHeaders } from "./security_headers.ts";

function app() {
  const app = new Hono();
  app.use(securityHeaders());
  app.get("/page", (c) => c.html("<p>hi</p>"));
  app.get("/api", (c) => c.json({ ok: true }));
  app.get("/asset", (c) => c.body("x", 200, { "cache-control": "public, max-age=31536000, immutable" }));
  app.get("/fails", () => {
    throw new Error("boom");
  });
  app.onError((_err, c) => c.json({ error: "x" }, 500));
  return app;
}

Deno.test("every response carries the CSP, nosniff, a referrer policy and no framing", async () => {
  for (const path of ["/page", "/api", "/asset", "/fails", "/missing"]) {
    const res = await app().request(path);
    await res.body?.cancel();
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /script-src 'self'(;|$)/, path);
    assert.match(csp, /script-src-attr 'none'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /object-src 'none'/, path);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(res.headers.get("referrer-policy"), "same-origin", path);
    assert.equal(res.headers.get("x-frame-options"), "DENY", path);
    assert.equal(res.headers.get("cross-origin-resource-policy"), "same-origin", path);
  }
});

Deno.test("Cache-Control: pages private and revalidated, JSON not stored, a route's own choice kept", async () => {
  const cases: [string, string][] = [
    ["/page", "private, no-cache"],
    ["/api", "private, no-store"],
    ["/asset", "public, max-age=31536000, immutable"],
    ["/fails", "private, no-store"],
  ];
  for (const [path, expected] of cases) {
    const res = await app().request(path);
    await res.body?.cancel();
    assert.equal(res.headers.get("cache-control"), expected, path);
  }
});
