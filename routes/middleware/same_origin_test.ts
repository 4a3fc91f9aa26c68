import assert from "node:assert/strict";
import { Hono } from "hono";
import { sameOrigin } from "./same_origin.ts";

function app() {
  const app = new Hono();
  app.use(sameOrigin({ publicOrigin: "https://studio.example.com", trustedOrigins: ["https://admin.example.com"] }));
  app.all("*", (c) => c.text("done"));
  return app;
}

type Case = [method: string, path: string, headers: Record<string, string>, status: number, why: string];

const nav = { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };

const CASES: Case[] = [
  ["POST", "/api/v1/projects/1/generate-scenes", {}, 200, "no browser headers: a script or curl"],
  ["POST", "/x", { origin: "http://localhost" }, 200, "own origin"],
  ["POST", "/x", { origin: "https://studio.example.com" }, 200, "PUBLIC_URL"],
  ["POST", "/x", { origin: "https://admin.example.com" }, 200, "TRUSTED_ORIGINS"],
  ["POST", "/x", { origin: "http://localhost:9999" }, 403, "another port"],
  ["POST", "/x", { origin: "http://127.0.0.1" }, 403, "another host for the same machine"],
  ["POST", "/x", { origin: "null" }, 403, "sandboxed frame or data: page"],
  ["POST", "/x", { origin: "https://evil.example" }, 403, "another site"],
  ["POST", "/x", { "sec-fetch-site": "same-origin" }, 200, "same origin without Origin"],
  ["POST", "/x", { "sec-fetch-site": "none" }, 200, "typed by the user"],
  ["POST", "/x", { "sec-fetch-site": "same-site" }, 403, "a sibling port or subdomain"],
  ["POST", "/x", { "sec-fetch-site": "cross-site" }, 403, "another site without Origin"],
  ["DELETE", "/x", { origin: "https://evil.example", "sec-fetch-site": "same-origin" }, 403, "Origin wins"],
  ["PATCH", "/x", { origin: "https://evil.example" }, 403, "PATCH"],
  ["GET", "/projects/1", { "sec-fetch-site": "cross-site", ...nav }, 200, "a link from another site"],
  [
    "GET",
    "/projects/1",
    { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe" },
    403,
    "framed",
  ],
  [
    "GET",
    "/media/a.png",
    { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
    403,
    "img",
  ],
  ["GET", "/media/a.png", { "sec-fetch-site": "cross-site", ...nav }, 403, "media opened from elsewhere"],
  [
    "GET",
    "/api/v1/projects",
    { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "script" },
    403,
    "script tag",
  ],
  [
    "GET",
    "/api/v1/projects/1/events",
    { "sec-fetch-site": "same-site", "sec-fetch-mode": "cors", origin: "http://localhost:9999" },
    403,
    "EventSource",
  ],
  [
    "GET",
    "/api/v1/projects",
    { "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors", origin: "https://admin.example.com" },
    200,
    "trusted CORS read",
  ],
  ["GET", "/static/styles.css", { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" }, 200, "public static"],
  ["GET", "/api/v1/projects", { "sec-fetch-site": "same-origin" }, 200, "own page"],
  ["GET", "/api/v1/projects", {}, 200, "no browser headers"],
];

Deno.test("cross-site requests are refused, own-origin and non-browser requests pass", async () => {
  for (const [method, path, headers, status, why] of CASES) {
    const res = await app().request(`http://localhost${path}`, { method, headers });
    assert.equal(res.status, status, `${method} ${path}: ${why}`);
    if (status === 403) assert.match((await res.json()).error, /PUBLIC_URL.*TRUSTED_ORIGINS/, why);
    else assert.equal(await res.text(), "done");
  }
});
