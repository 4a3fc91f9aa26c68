/**
 * Headers on every response, on the real app: the Content-Security-Policy (scripts from this
 * origin only, no inline script or handler, no framing), nosniff, the Referrer-Policy, and the
 * Cache-Control of each kind of answer. The pages really need no more: every `<script>` they
 * render is the bundle from /static/build or a JSON data block, and no element has an `on…`
 * attribute. And /media serves real paths inside the media folder only: a symbolic link pointing
 * out of it serves nothing.
 */
import assert from "node:assert/strict";
import { currentIslandsBuild } from "../../islands_runtime/state.ts";
import { makeProject } from "../helpers/live.ts";
import { securityStudio, TOKEN } from "./studio.ts";

Deno.test({
  name: "every response carries the security headers; pages need no inline script",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const studio = await securityStudio("headers");
    try {
      const project = await makeProject(studio.db.sql, 3);
      const media = `${studio.config.dataDir}/media/projects/${project.id}`;
      await Deno.mkdir(media, { recursive: true });
      await Deno.writeFile(`${media}/a.png`, new Uint8Array(16));
      const bundle = currentIslandsBuild()?.url;
      assert.ok(bundle, "the island bundle is built");

      const cases: [path: string, init: RequestInit, cacheControl: RegExp][] = [
        ["/", {}, /^private, no-cache$/],
        [`/projects/${project.id}`, {}, /^private, no-cache$/],
        ["/projects/999999", {}, /^private, no-cache$/],
        ["/api/v1/projects", {}, /^private, no-store$/],
        ["/api/v1/projects/999999", {}, /^private, no-store$/],
        [`/api/v1/projects/${project.id}/scene-run`, { method: "DELETE" }, /^private, no-store$/],
        [`/api/v1/projects/${project.id}/events`, {}, /^no-cache, no-transform$/],
        ["/api/v1/projects", { method: "POST", headers: { "content-type": "text/plain" } }, /^private, no-store$/],
        [`/media/projects/${project.id}/a.png`, {}, /^private, max-age=31536000, immutable$/],
        ["/media/nothing.png", {}, /^private, no-store$/],
        [bundle!, {}, /^public, max-age=31536000, immutable$/],
        ["/static/styles.css", {}, /^public, max-age=60, must-revalidate$/],
        ["/healthz", {}, /^private, no-store$/],
        ["/", { headers: { host: "evil.example" } }, /^private, no-store$/],
        ["/projects", { method: "POST", headers: { origin: "https://evil.example" } }, /^private, no-store$/],
      ];
      await t.step("CSP, nosniff, referrer policy, no framing, and a Cache-Control per kind of answer", async () => {
        for (const [path, init, cacheControl] of cases) {
          const res = await studio.request(path, init);
          await res.body?.cancel();
          const label = `${init.method ?? "GET"} ${path} (${res.status})`;
          const csp = res.headers.get("content-security-policy") ?? "";
          assert.match(csp, /(^|; )script-src 'self'(;|$)/, label);
          assert.match(csp, /(^|; )script-src-attr 'none'(;|$)/, label);
          assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, label);
          assert.match(csp, /(^|; )object-src 'none'(;|$)/, label);
          assert.match(csp, /(^|; )base-uri 'none'(;|$)/, label);
          assert.match(csp, /(^|; )form-action 'self'(;|$)/, label);
          assert.equal(res.headers.get("x-content-type-options"), "nosniff", label);
          assert.equal(res.headers.get("referrer-policy"), "same-origin", label);
          assert.equal(res.headers.get("x-frame-options"), "DENY", label);
          assert.match(res.headers.get("cache-control") ?? "", cacheControl, label);
        }
      });

      await t.step("the storyboard's scripts are the bundle and JSON data only; no inline handlers", async () => {
        const html = await (await studio.request(`/projects/${project.id}`)).text();
        const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
        assert.ok(scripts.length >= 2, "the bundle and the islands' props");
        for (const attributes of scripts) {
          const json = /type="application\/json"/.test(attributes);
          const bundled = new RegExp(`type="module" src="${bundle!.replaceAll(".", "\\.")}"`).test(attributes);
          assert.ok(json || bundled, `an inline or foreign script: <script${attributes}>`);
        }
        assert.doesNotMatch(html, /<[^>]+\son[a-z]+=/i, "no inline event handler");
        assert.doesNotMatch(html, /javascript:/i);
        assert.doesNotMatch(html, /<style\b/i, "no style element (style-src 'self')");
      });
    } finally {
      await studio.close();
    }
  },
});

Deno.test({
  name: "/media serves real paths inside the media folder only; links pointing out serve nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const studio = await securityStudio("media_paths", { STUDIO_TOKEN: TOKEN });
    const outside = await Deno.makeTempDir({ prefix: "studio-outside-" });
    try {
      const media = `${studio.config.dataDir}/media`;
      await Deno.mkdir(`${media}/projects/1`, { recursive: true });
      await Deno.writeFile(`${media}/projects/1/real.png`, new Uint8Array([1, 2, 3]));
      await Deno.writeTextFile(`${outside}/secret.png`, "not for you");
      await Deno.mkdir(`${outside}/dir`);
      await Deno.writeTextFile(`${outside}/dir/also.png`, "not for you either");
      await Deno.symlink(`${outside}/secret.png`, `${media}/projects/1/link-out.png`);
      await Deno.symlink(`${outside}/dir`, `${media}/projects/linked-dir`);
      await Deno.symlink("/etc/passwd", `${media}/projects/1/passwd.png`);
      await Deno.symlink(`${media}/projects/1/real.png`, `${media}/projects/1/link-in.png`);
      const get = (path: string) =>
        studio.request(path, { headers: { authorization: `Bearer ${TOKEN}` } }).then(async (res) => ({
          status: res.status,
          body: new Uint8Array(await res.arrayBuffer()),
        }));
      assert.deepEqual(await get("/media/projects/1/real.png"), { status: 200, body: new Uint8Array([1, 2, 3]) });
      assert.equal((await get("/media/projects/1/link-in.png")).status, 200, "a link inside the folder is fine");
      for (
        const path of [
          "/media/projects/1/link-out.png",
          "/media/projects/linked-dir/also.png",
          "/media/projects/1/passwd.png",
          "/media/..%2f..%2fsecret.png",
          "/media/projects/1/%2e%2e/%2e%2e/%2e%2e/secret.png",
        ]
      ) {
        const res = await get(path);
        assert.equal(res.status, 404, path);
        assert.ok(!new TextDecoder().decode(res.body).includes("not for you"), path);
      }
    } finally {
      await studio.close();
      await Deno.remove(outside, { recursive: true });
    }
  },
});
