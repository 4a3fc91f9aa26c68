import assert from "node:assert/strict";
import { Hono } from "hono";
import { hostCheck } from "./host_check.ts";

function app() {
  const app = new Hono();
  app.use(hostCheck({ allowedHosts: ["studio.lan"] }));
  app.get("/", (c) => c.text("studio"));
  return app;
}

Deno.test("IP addresses, localhost and listed names are answered; other names get 421", async () => {
  const cases: [string, number][] = [
    ["localhost:8000", 200],
    ["127.0.0.1:8000", 200],
    ["192.168.1.20:8000", 200],
    ["[::1]:8000", 200],
    ["studio.lan:8000", 200],
    ["evil.example:8000", 421],
    ["127.0.0.1.nip.io:8000", 421],
    ["studio.lan.evil.example", 421],
    ["bad host", 421],
  ];
  for (const [host, status] of cases) {
    const res = await app().request("http://x/", { headers: { host } });
    assert.equal(res.status, status, host);
    if (status === 421) {
      const body = await res.json();
      assert.match(body.error, /ALLOWED_HOSTS/);
    } else assert.equal(await res.text(), "studio");
  }
});

Deno.test("without a Host header the URL's host counts (in-process requests)", async () => {
  assert.equal((await app().request("http://localhost/")).status, 200);
  assert.equal((await app().request("http://evil.example/")).status, 421);
});
