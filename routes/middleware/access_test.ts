import assert from "node:assert/strict";
import { Hono } from "hono";
import { FailureLimiter } from "../../core/security/limiters.ts";
import { Sessions } from "../../core/security/session.ts";
import { accessControl, SESSION_COOKIE } from "./access.ts";
import { pageContext } from "./page_context.ts";

const TOKEN = "correct-horse-battery-staple";

function app({ token }: { token: string | undefined } = { token: TOKEN }) {
  const sessions = new Sessions(new Uint8Array(32).fill(1), 60_000);
  const failures = new FailureLimiter(3, 60_000);
  const app = new Hono();
  app.use(pageContext());
  app.use(accessControl({ token, sessions, failures }));
  app.all("*", (c) => c.text("inside"));
  return { app, sessions };
}

const env = (ip: string) => ({ remoteAddr: { hostname: ip } });

Deno.test("without a token everything passes", async () => {
  const res = await app({ token: undefined }).app.request("/api/v1/projects");
  assert.equal(await res.text(), "inside");
});

Deno.test("strangers get 401 JSON on the API and media, a login redirect on pages", async () => {
  const { app: a } = app();
  for (const path of ["/api/v1/projects", "/api/v1/projects/1/events", "/media/p/1.png"]) {
    const res = await a.request(path);
    assert.equal(res.status, 401, path);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="Scene Studio"');
    assert.match((await res.json()).error, /Authorization: Bearer/);
  }
  const page = await a.request("/projects/3?x=1");
  assert.equal(page.status, 303);
  assert.equal(page.headers.get("location"), "/login?next=%2Fprojects%2F3%3Fx%3D1");
  const post = await a.request("/projects", { method: "POST" });
  assert.equal(post.status, 303);
  assert.equal(post.headers.get("location"), "/login");
  for (const open of ["/login", "/logout", "/healthz", "/static/styles.css"]) {
    assert.equal(await (await a.request(open)).text(), "inside", open);
  }
});

Deno.test("a link from another site gets a self-reloading page (the Strict cookie comes on the reload)", async () => {
  const res = await app().app.request("/projects/3", { headers: { "sec-fetch-site": "cross-site" } });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<meta http-equiv="refresh" content="0">/);
});

Deno.test("the right bearer token or a valid session cookie lets a request in", async () => {
  const { app: a, sessions } = app();
  const bearer = await a.request("/api/v1/projects", { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(await bearer.text(), "inside");
  const { value } = sessions.issue();
  const cookie = await a.request("/projects/1", { headers: { cookie: `${SESSION_COOKIE}=${value}` } });
  assert.equal(await cookie.text(), "inside");
  const forged = await a.request("/api/v1/projects", { headers: { cookie: `${SESSION_COOKIE}=${value}x` } });
  assert.equal(forged.status, 401);
});

Deno.test("wrong bearer tokens count per client address and lock it out with 429 and Retry-After", async () => {
  const { app: a } = app();
  const wrong = { authorization: `Bearer ${TOKEN}x` };
  for (let i = 0; i < 3; i++) {
    const res = await a.request("/api/v1/projects", { headers: wrong }, env("10.0.0.1"));
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /access token is wrong/);
  }
  const locked = await a.request(
    "/api/v1/projects",
    { headers: { authorization: `Bearer ${TOKEN}` } },
    env("10.0.0.1"),
  );
  assert.equal(locked.status, 429, "even the right token waits out the lock");
  assert.ok(Number(locked.headers.get("retry-after")) > 0);
  assert.match((await locked.json()).error, /Too many wrong access tokens from your address: try again in 1 minute\./);
  const other = await a.request("/api/v1/projects", { headers: { authorization: `Bearer ${TOKEN}` } }, env("10.0.0.2"));
  assert.equal(await other.text(), "inside", "another address is not locked out");
  for (const bad of ["Basic abc", "Bearer", `Bearer  ${TOKEN}`, `Bearer ${TOKEN} x`]) {
    const res = await a.request("/api/v1/projects", { headers: { authorization: bad } }, env("10.0.0.3"));
    assert.ok(res.status === 401 || res.status === 429, bad);
  }
});
