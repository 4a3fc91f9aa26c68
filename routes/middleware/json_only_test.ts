import assert from "node:assert/strict";
import { Hono } from "hono";
import { errorToJson } from "../http.ts";
import { jsonOnly } from "./json_only.ts";

function app() {
  const app = new Hono();
  app.use("/api/*", jsonOnly());
  app.all("/api/x", (c) => c.json({ passed: true }));
  app.onError((err, c) => {
    const { status, body } = errorToJson(err);
    return c.json(body, status);
  });
  return app;
}

Deno.test("state-changing API requests take exactly application/json, or nothing at all", async () => {
  const cases: [string, Record<string, string>, BodyInit | undefined, number][] = [
    ["POST", {}, undefined, 200],
    ["POST", { "content-type": "application/json" }, "{}", 200],
    ["POST", { "content-type": "application/json; charset=utf-8" }, "{}", 200],
    ["POST", { "content-type": "Application/JSON;Charset=UTF-8" }, "{}", 200],
    ["PATCH", { "content-type": "application/json" }, "{}", 200],
    ["POST", { "content-type": "text/plain; application/json" }, "{}", 415],
    ["POST", { "content-type": "text/plain" }, "{}", 415],
    ["POST", { "content-type": "application/x-www-form-urlencoded" }, "", 415],
    ["POST", { "content-type": "multipart/form-data; boundary=x" }, "--x--", 415],
    ["POST", { "content-type": "application/json; charset=latin1" }, "{}", 415],
    ["POST", { "content-type": "application/jsonp" }, "{}", 415],
    ["POST", {}, new Uint8Array([123, 125]), 415],
    ["GET", { "content-type": "text/plain" }, undefined, 200],
  ];
  for (const [method, headers, body, status] of cases) {
    const res = await app().request("/api/x", { method, headers, body });
    assert.equal(res.status, status, `${method} ${JSON.stringify(headers)}`);
    if (status === 415) assert.match((await res.json()).error, /Content-Type: application\/json/);
  }
});
