import assert from "node:assert/strict";
import { Hono } from "hono";
import { errorToJson } from "../http.ts";
import { formBody } from "./form_body.ts";

function app() {
  const app = new Hono();
  app.use(formBody());
  app.post("/save", async (c) => c.json({ form: { ...(await c.req.parseBody()) } }));
  app.post("/api/json", (c) => c.json({ api: true }));
  app.onError((err, c) => {
    const { status, body } = errorToJson(err);
    return c.json(body, status);
  });
  return app;
}

Deno.test("forms are parsed before the handler; broken or non-form bodies get 400 or 415", async () => {
  const a = app();
  const ok = await a.request("/save", { method: "POST", body: new URLSearchParams({ a: "1" }) });
  assert.deepEqual(await ok.json(), { form: { a: "1" } });
  const multipart = new FormData();
  multipart.set("a", "2");
  assert.deepEqual(await (await a.request("/save", { method: "POST", body: multipart })).json(), { form: { a: "2" } });

  const cases: [Record<string, string>, BodyInit, number][] = [
    [{ "content-type": "multipart/form-data" }, "--x\r\n", 400],
    [{ "content-type": "multipart/form-data; boundary=abc" }, "garbage without the boundary", 400],
    [{ "content-type": "multipart/form-data; boundary=abc" }, "", 400],
    [{ "content-type": "multipart/form-data; boundary=" }, "x", 400],
    [{ "content-type": "text/plain" }, "a=1", 415],
    [{ "content-type": "application/json" }, "{}", 415],
    [{}, new Uint8Array([1, 2, 3]), 415],
  ];
  for (const [headers, body, status] of cases) {
    const res = await a.request("/save", { method: "POST", headers, body });
    assert.equal(res.status, status, JSON.stringify(headers));
    assert.match((await res.json()).error, status === 400 ? /could not be read/ : /takes forms only/);
  }
});

Deno.test("the API and safe methods are left alone", async () => {
  const res = await app().request("/api/json", { method: "POST", body: "{}", headers: { "content-type": "x/y" } });
  assert.deepEqual(await res.json(), { api: true });
});
