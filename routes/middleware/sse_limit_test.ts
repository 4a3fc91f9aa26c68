import assert from "node:assert/strict";
import { Hono } from "hono";
import { sseLimit } from "./sse_limit.ts";

function app(total: number, perClient: number) {
  const limit = sseLimit({ total, perClient });
  const app = new Hono();
  app.use("/events", limit);
  app.get("/events", () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(": connected\n\n"));
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    ));
  return { app, limit };
}

const from = (ip: string) => ({ remoteAddr: { hostname: ip } });

Deno.test("streams over the per-client cap get 429, over the total 503; closing one frees its place", async () => {
  const { app: a, limit } = app(3, 2);
  const open: Response[] = [];
  open.push(await a.request("/events", {}, from("10.0.0.1")));
  open.push(await a.request("/events", {}, from("10.0.0.1")));
  const third = await a.request("/events", {}, from("10.0.0.1"));
  assert.equal(third.status, 429);
  assert.match((await third.json()).error, /Too many live-update streams are open from your address \(2\)/);
  open.push(await a.request("/events", {}, from("10.0.0.2")));
  const full = await a.request("/events", {}, from("10.0.0.3"));
  assert.equal(full.status, 503);
  assert.match((await full.json()).error, /as many live-update streams open as it allows \(3\)/);
  assert.equal(limit.counts().total, 3);

  const reader = open[0].body!.getReader();
  assert.match(new TextDecoder().decode((await reader.read()).value), /connected/, "the stream still flows");
  await reader.cancel(); // the client goes away
  assert.equal(limit.counts().total, 2);
  open.push(await a.request("/events", {}, from("10.0.0.1")));
  assert.equal(open.at(-1)!.status, 200);
  for (const res of open.slice(1)) await res.body!.cancel();
});
