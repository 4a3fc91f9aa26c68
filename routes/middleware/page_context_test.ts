import assert from "node:assert/strict";
import { Hono } from "hono";
import { currentPageContext } from "../../core/security/page_context.ts";
import { pageContext } from "./page_context.ts";

Deno.test("each request sees its own page context, across awaits and concurrent requests", async () => {
  const app = new Hono();
  app.use(pageContext());
  app.use(async (c, next) => {
    currentPageContext()!.signedIn = c.req.query("who") === "a";
    await next();
  });
  app.get("/", async (c) => {
    await new Promise((r) => setTimeout(r, Number(c.req.query("wait"))));
    const context = currentPageContext()!;
    return c.json({ signedIn: context.signedIn });
  });
  const [a, b] = await Promise.all([app.request("/?who=a&wait=30"), app.request("/?who=b&wait=0")]);
  assert.deepEqual(await a.json(), { signedIn: true });
  assert.deepEqual(await b.json(), { signedIn: false });
  assert.equal(currentPageContext(), undefined, "nothing outside a request");
});
