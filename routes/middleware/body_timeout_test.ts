import assert from "node:assert/strict";
import { Hono } from "hono";
import { bodyTimeout } from "./body_timeout.ts";

function app(timeoutMs = 200, maxBytes = 1000) {
  const app = new Hono();
  app.use(bodyTimeout({ timeoutMs, maxBytes }));
  app.post("/", async (c) => c.json({ length: (await c.req.text()).length }));
  return app;
}

/** A body that sends `first`, then nothing more until cancelled. */
function stalled(first: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
  });
}

Deno.test("a whole body within the deadline reaches the handler", async () => {
  const res = await app().request("/", { method: "POST", body: "x".repeat(1000) });
  assert.deepEqual(await res.json(), { length: 1000 });
});

Deno.test("a body that stops arriving gets 408 at the deadline, and the connection closes", async () => {
  const started = performance.now();
  const res = await app(200).request("/", { method: "POST", body: stalled('{"a":'), duplex: "half" } as RequestInit);
  assert.equal(res.status, 408);
  assert.equal(res.headers.get("connection"), "close");
  assert.match((await res.json()).error, /did not arrive within 0.2 seconds/);
  const ms = performance.now() - started;
  assert.ok(ms >= 190 && ms < 2000, `${ms} ms`);
});

Deno.test("too large a body gets 413, by its Content-Length or by what arrives", async () => {
  const declared = await app().request("/", {
    method: "POST",
    body: "x".repeat(2000),
    headers: { "content-length": "2000" },
  });
  assert.equal(declared.status, 413);
  const streamed = await app().request(
    "/",
    { method: "POST", body: stalled("x".repeat(1500)), duplex: "half" } as RequestInit,
  );
  assert.equal(streamed.status, 413);
  assert.match((await streamed.json()).error, /larger than 1 KB/);
});
