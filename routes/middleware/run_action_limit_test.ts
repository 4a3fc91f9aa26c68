import assert from "node:assert/strict";
import { Hono } from "hono";
import { runActionLimit } from "./run_action_limit.ts";

Deno.test("generate, cancel and retry share a per-project budget; other routes and projects are free", async () => {
  const app = new Hono();
  app.use(runActionLimit({ perMinute: 3 }));
  app.all("*", (c) => c.text("done"));
  const post = (path: string) => app.request(path, { method: "POST" });
  assert.equal((await post("/api/v1/projects/7/generate-scenes")).status, 200);
  assert.equal((await post("/api/v1/projects/7/cancel-scenes")).status, 200);
  assert.equal((await post("/api/v1/projects/7/retry-failed-scenes")).status, 200);
  const limited = await post("/api/v1/projects/7/generate-scenes");
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "20");
  assert.equal(
    (await limited.json()).error,
    "Too many generate, cancel or retry requests for project 7: at most 3 a minute. Try again in 20 seconds.",
  );
  assert.equal((await post("/api/v1/projects/8/generate-scenes")).status, 200, "another project");
  assert.equal((await app.request("/api/v1/projects/7/scene-run")).status, 200, "reads are not limited");
  assert.equal((await post("/api/v1/projects/7/other")).status, 200, "other routes are not limited");
});
