import assert from "node:assert/strict";
import { Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import { CsrfField } from "../../components/CsrfField.tsx";
import { errorToJson } from "../http.ts";
import { csrfProtection } from "./csrf.ts";
import { formBody } from "./form_body.ts";
import { pageContext } from "./page_context.ts";

function app() {
  const app = new Hono();
  app.use(pageContext());
  app.use(formBody());
  app.use(csrfProtection({ key: new Uint8Array(32).fill(3), secureCookies: false }));
  app.get("/form", (c) => c.html(renderToString(<form method="post">{CsrfField()}</form>)));
  app.get("/plain", (c) => c.text("no form here"));
  app.post("/save", async (c) => c.json({ saved: (await c.req.parseBody()).value }));
  app.post("/api/thing", (c) => c.json({ ok: true }));
  app.onError((err, c) => {
    const { status, body } = errorToJson(err);
    return c.json(body, status);
  });
  return app;
}

async function credentials(a: Hono) {
  const res = await a.request("/form");
  const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1];
  const setCookie = res.headers.get("set-cookie")!;
  assert.match(setCookie, /^studio_csrf=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
  return { token, cookie: setCookie.split(";")[0] };
}

const post = (a: Hono, fields: Record<string, string>, cookie?: string) =>
  a.request("/save", {
    method: "POST",
    headers: cookie ? { cookie } : {},
    body: new URLSearchParams(fields),
  });

Deno.test("a page with a form sets the CSRF cookie once; pages without forms set none", async () => {
  const a = app();
  const { cookie } = await credentials(a);
  const again = await a.request("/form", { headers: { cookie } });
  assert.equal(again.headers.get("set-cookie"), null, "the browser keeps its id");
  assert.equal((await a.request("/plain")).headers.get("set-cookie"), null);
});

Deno.test("a form with the right token is accepted; a missing, forged or other browser's token gets 403", async () => {
  const a = app();
  const mine = await credentials(a);
  const theirs = await credentials(a);
  const ok = await post(a, { value: "x", _csrf: mine.token }, mine.cookie);
  assert.deepEqual(await ok.json(), { saved: "x" });
  const refusals: [Record<string, string>, string | undefined, string][] = [
    [{ value: "x" }, mine.cookie, "no token"],
    [{ value: "x", _csrf: mine.token }, undefined, "no cookie (cross-site form)"],
    [{ value: "x", _csrf: theirs.token }, mine.cookie, "another browser's token"],
    [{ value: "x", _csrf: mine.token + "A" }, mine.cookie, "forged"],
    [{ value: "x", _csrf: "" }, mine.cookie, "empty"],
    [{ value: "x", _csrf: mine.token }, "studio_csrf=short", "a cookie that is no id"],
  ];
  for (const [fields, cookie, why] of refusals) {
    const res = await post(a, fields, cookie);
    assert.equal(res.status, 403, why);
    assert.match((await res.json()).error, /reload the page and send it again/, why);
  }
});

Deno.test("JSON API requests need no form token", async () => {
  const res = await app().request("/api/thing", { method: "POST" });
  assert.deepEqual(await res.json(), { ok: true });
});
