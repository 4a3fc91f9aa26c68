/**
 * Access: with STUDIO_TOKEN set, every page, API call, live stream and media file needs the login
 * session or the bearer token; the login page sets a signed, expiring HttpOnly SameSite=Strict
 * cookie and shows a readable error; logout ends the session for good; failed logins are
 * rate-limited per address. And the start-up rule: a HOST other than loopback without a token
 * refuses to start (one line saying how to set one) unless ALLOW_OPEN_ACCESS=1, which the log
 * then says at start, with the real listening address.
 */
import assert from "node:assert/strict";
import { fromFileUrl } from "../helpers/paths.ts";
import { freshDatabase } from "../helpers/db.ts";
import { formCredentials, postForm } from "../helpers/forms.ts";
import { makeProject } from "../helpers/live.ts";
import { securityStudio, TOKEN } from "./studio.ts";

Deno.test({
  name: "with a token, nothing is served to strangers; login, session, logout and the login rate limit",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const studio = await securityStudio("access", { STUDIO_TOKEN: TOKEN, SESSION_DAYS: "2" });
    const app = { request: (path: string, init?: RequestInit) => studio.request(path, init) };
    try {
      const project = await makeProject(studio.db.sql, 2);
      await Deno.mkdir(`${studio.config.dataDir}/media/projects/${project.id}`, { recursive: true });
      await Deno.writeFile(`${studio.config.dataDir}/media/projects/${project.id}/a.png`, new Uint8Array(8));
      const protectedPaths = [
        "/",
        `/projects/${project.id}`,
        "/api/v1/projects",
        `/api/v1/projects/${project.id}`,
        `/api/v1/projects/${project.id}/scene-run`,
        `/api/v1/projects/${project.id}/events`,
        `/api/v1/sentences/${project.sentenceIds[0]}`,
        `/media/projects/${project.id}/a.png`,
      ];

      await t.step("strangers get the login page (pages) or 401 (API, SSE, media); nothing leaks", async () => {
        for (const path of protectedPaths) {
          const res = await studio.request(path);
          const text = await res.text();
          if (path.startsWith("/api/") || path.startsWith("/media/")) {
            assert.equal(res.status, 401, path);
            assert.match(JSON.parse(text).error, /log in at \/login/, path);
          } else {
            assert.equal(res.status, 303, path);
            assert.equal(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
          }
          assert.ok(!text.includes("Sentence number"), `${path} leaks nothing`);
        }
        const writes: [string, string][] = [
          ["POST", `/api/v1/projects/${project.id}/generate-scenes`],
          ["POST", `/api/v1/projects/${project.id}/cancel-scenes`],
          ["PATCH", `/api/v1/sentences/${project.sentenceIds[0]}`],
        ];
        for (const [method, path] of writes) {
          const res = await studio.request(path, {
            method,
            headers: { "content-type": "application/json" },
            body: "{}",
          });
          assert.equal(res.status, 401, path);
          await res.body?.cancel();
        }
        assert.equal((await studio.request("/healthz")).status, 200);
        assert.equal((await studio.request("/static/styles.css")).status, 200);
      });

      await t.step("a wrong token on the login page: 401 with a readable error, no session", async () => {
        const res = await postForm(app, "/login", { token: "not-the-token-at-all", next: "/" }, {
          credentials: await formCredentials(app, "/login"),
        });
        assert.equal(res.status, 401);
        const html = await res.text();
        assert.match(html, /role="alert">That is not the access token\. Check the value of STUDIO_TOKEN/);
        assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith("studio_session=")));
      });

      let session = "";
      await t.step(
        "the right token: a signed, expiring, HttpOnly, SameSite=Strict session; back to the page",
        async () => {
          const credentials = await formCredentials(app, "/login");
          const res = await postForm(app, "/login", { token: TOKEN, next: `/projects/${project.id}` }, { credentials });
          assert.equal(res.status, 303);
          assert.equal(res.headers.get("location"), `/projects/${project.id}`);
          const cookie = res.headers.getSetCookie().find((c) => c.startsWith("studio_session="))!;
          assert.match(
            cookie,
            /^studio_session=v1\.[\w-]+\.\d{13}\.[\w-]{43}; Max-Age=172800; Path=\/; HttpOnly; SameSite=Strict$/,
          );
          session = cookie.split(";")[0];
          for (const path of protectedPaths) {
            const page = await studio.request(path, { headers: { cookie: session } });
            assert.equal(page.status, 200, path);
            if (path.endsWith("/events")) await page.body?.cancel();
            else await page.text();
          }
          const html = await (await studio.request("/", { headers: { cookie: session } })).text();
          assert.match(html, /<form method="post" action="\/logout"/, "a Log out button");
          // An open redirect is not possible: next goes to this site only.
          const away = await postForm(app, "/login", { token: TOKEN, next: "//evil.example/x" }, { credentials });
          assert.equal(away.headers.get("location"), "/");
        },
      );

      await t.step("the API takes Authorization: Bearer <token>", async () => {
        const res = await studio.request("/api/v1/projects", { headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(res.status, 200);
        assert.ok((await res.json()).projects.length >= 1);
        const wrong = await studio.request("/api/v1/projects", {
          headers: { authorization: "Bearer nope-nope-nope-nope" },
        });
        assert.equal(wrong.status, 401);
        await wrong.body?.cancel();
      });

      await t.step("logout ends the session on the server: the old cookie is refused", async () => {
        const credentials = await formCredentials(app, "/", { cookie: session });
        const res = await postForm(app, "/logout", {}, { credentials, headers: { cookie: session } });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/login");
        assert.match(res.headers.getSetCookie().join("\n"), /studio_session=; Max-Age=0; Path=\//);
        const replay = await studio.request("/api/v1/projects", { headers: { cookie: session } });
        assert.equal(replay.status, 401, "a copy of the cookie is useless after logout");
        await replay.body?.cancel();
      });

      await t.step("failed logins are rate-limited per address (429 with the wait), others unaffected", async () => {
        const credentials = await formCredentials(app, "/login");
        const from = (ip: string, token: string) =>
          studio.request("/login", {
            method: "POST",
            headers: { cookie: credentials.cookie },
            body: new URLSearchParams({ token, _csrf: credentials.token }),
          }, ip);
        for (let i = 0; i < 10; i++) assert.equal((await from("10.9.9.9", `wrong-${i}-xxxxxxxxxxxx`)).status, 401);
        const locked = await from("10.9.9.9", TOKEN);
        assert.equal(locked.status, 429, "even the right token waits");
        assert.ok(Number(locked.headers.get("retry-after")) > 800);
        assert.match(await locked.text(), /Too many wrong access tokens from your address: try again in 15 minutes\./);
        const bearer = await studio.request(
          "/api/v1/projects",
          { headers: { authorization: `Bearer ${TOKEN}` } },
          "10.9.9.9",
        );
        assert.equal(bearer.status, 429, "the bearer token from that address waits too");
        await bearer.body?.cancel();
        assert.equal((await from("10.9.9.10", TOKEN)).status, 303, "another address logs in");
      });
    } finally {
      await studio.close();
    }
  },
});

const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));

/** Runs main.ts with `env` until it prints `until` (or exits); returns its output and exit code. */
async function runMain(env: Record<string, string>, until?: RegExp) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--web-only"],
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/root", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]);
  if (until) {
    const deadline = Date.now() + 60_000;
    while (!until.test(output) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      if (/could not start|error/i.test(output)) break;
    }
    try {
      child.kill("SIGINT");
    } catch { /* already gone */ }
  }
  const status = await child.status;
  await done;
  return { output, code: status.code };
}

Deno.test("HOST other than loopback without a token refuses to start, in one line saying how to set one", async () => {
  const { output, code } = await runMain({ HOST: "0.0.0.0", PORT: "0", STUDIO_DATA_DIR: "/nonexistent" });
  assert.equal(code, 1);
  const lines = output.trim().split("\n");
  assert.equal(lines.length, 1, output);
  assert.match(lines[0], /^HOST=0\.0\.0\.0 would let anyone on your network control Scene Studio: set STUDIO_TOKEN/);
  assert.match(lines[0], /ALLOW_OPEN_ACCESS=1/);
});

Deno.test("ALLOW_OPEN_ACCESS=1 starts anyway and says so; the start-up line shows the real address", async () => {
  const db = await freshDatabase("open_access");
  const dataDir = await Deno.makeTempDir({ prefix: "studio-open-" });
  try {
    const { output } = await runMain(
      { HOST: "0.0.0.0", PORT: "0", ALLOW_OPEN_ACCESS: "1", DATABASE_URL: db.url, STUDIO_DATA_DIR: dataDir },
      /Scene Studio is ready/,
    );
    assert.match(
      output,
      /WARNING: ALLOW_OPEN_ACCESS=1 and no STUDIO_TOKEN: anyone who can reach 0\.0\.0\.0:0 controls/,
    );
    const ready = output.split("\n").find((l) => l.includes("Scene Studio is ready"))!;
    assert.match(ready, /listening on 0\.0\.0\.0:\d{2,5} \(every network interface: http:\/\/localhost:\d+\//);
    assert.doesNotMatch(ready, /:0 /, "the real port, not the requested 0");
    assert.match(ready, /NO ACCESS TOKEN \(ALLOW_OPEN_ACCESS=1\)/);

    const withToken = await runMain(
      { HOST: "127.0.0.1", PORT: "0", STUDIO_TOKEN: TOKEN, DATABASE_URL: db.url, STUDIO_DATA_DIR: dataDir },
      /Scene Studio is ready/,
    );
    assert.match(
      withToken.output,
      /listening on 127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\/\); access token required/,
    );
    assert.ok(!withToken.output.includes(TOKEN), "the token is never printed");
  } finally {
    await db.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
