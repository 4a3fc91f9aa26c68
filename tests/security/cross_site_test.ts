/**
 * Cross-site requests, on the real app: another site cannot change anything (Origin and
 * Sec-Fetch-Site checked on every state-changing route, CSRF tokens on the forms, JSON routes
 * taking exactly application/json), cannot read anything through DNS rebinding (Host check), and
 * cannot embed the studio's API, streams or media. Each refused request leaves the database as
 * it was. PUBLIC_URL and TRUSTED_ORIGINS let a proxy's origin in.
 */
import assert from "node:assert/strict";
import { databaseFingerprint } from "../helpers/db_fingerprint.ts";
import { formCredentials } from "../helpers/forms.ts";
import { makeProject } from "../helpers/live.ts";
import { securityStudio } from "./studio.ts";

Deno.test({
  name: "another site can neither change nor read the studio",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const studio = await securityStudio("cross_site", {
      PUBLIC_URL: "https://studio.example.com",
      TRUSTED_ORIGINS: "https://admin.example.com",
    });
    const app = { request: (path: string, init?: RequestInit) => studio.request(path, init) };
    try {
      const project = await makeProject(studio.db.sql, 2);
      const sentence = project.sentenceIds[0];
      const form = await formCredentials(app, `/projects/${project.id}`);
      const json = (body: unknown) => ({ "content-type": "application/json", body: JSON.stringify(body) });
      /** Every state-changing route, as a browser would send it from a page. */
      const writes: { method: string; path: string; headers: Record<string, string>; body?: BodyInit }[] = [
        { method: "POST", path: "/api/v1/projects", ...split(json({ title: "Evil", script: "Pwned." })) },
        { method: "PATCH", path: `/api/v1/sentences/${sentence}`, ...split(json({ imagePrompt: "pwned" })) },
        { method: "POST", path: `/api/v1/projects/${project.id}/generate-scenes`, headers: {} },
        { method: "POST", path: `/api/v1/projects/${project.id}/cancel-scenes`, headers: {} },
        { method: "POST", path: `/api/v1/projects/${project.id}/retry-failed-scenes`, headers: {} },
        {
          method: "POST",
          path: "/projects",
          headers: { cookie: form.cookie },
          body: new URLSearchParams({ title: "Evil", script: "Pwned.", _csrf: form.token }),
        },
        {
          method: "POST",
          path: `/sentences/${sentence}/prompts`,
          headers: { cookie: form.cookie },
          body: new URLSearchParams({ imagePrompt: "pwned", _csrf: form.token }),
        },
      ];

      const refusedUnchanged = async (label: string, request: () => Promise<Response>, status = 403) => {
        const before = await databaseFingerprint(studio.db.sql);
        const res = await request();
        assert.equal(res.status, status, label);
        await res.body?.cancel();
        assert.deepEqual(await databaseFingerprint(studio.db.sql), before, `${label} changed nothing`);
      };

      await t.step("Origin of another site, null, or another port of the same host: 403", async () => {
        for (const origin of ["https://evil.example", "null", "http://localhost:9999", "http://127.0.0.1"]) {
          for (const w of writes) {
            await refusedUnchanged(
              `${w.method} ${w.path} from ${origin}`,
              () => studio.request(w.path, { method: w.method, headers: { ...w.headers, origin }, body: w.body }),
            );
          }
        }
      });

      await t.step("Sec-Fetch-Site cross-site or same-site without Origin: 403", async () => {
        for (const site of ["cross-site", "same-site"]) {
          for (const w of writes) {
            await refusedUnchanged(`${w.method} ${w.path} (${site})`, () =>
              studio.request(w.path, {
                method: w.method,
                headers: { ...w.headers, "sec-fetch-site": site },
                body: w.body,
              }));
          }
        }
      });

      await t.step("a form without the CSRF token (an old browser sending no Origin): 403", async () => {
        for (const w of writes.filter((w) => !w.path.startsWith("/api/"))) {
          const fields = new URLSearchParams(w.body as URLSearchParams);
          fields.delete("_csrf");
          await refusedUnchanged(
            `${w.path} without a token`,
            () => studio.request(w.path, { method: "POST", headers: w.headers, body: fields }),
          );
          await refusedUnchanged(
            `${w.path} without the cookie`,
            () => studio.request(w.path, { method: "POST", body: w.body }),
          );
        }
      });

      await t.step("JSON routes take exactly application/json: what a cross-site form can send gets 415", async () => {
        const body = JSON.stringify({ title: "Evil", script: "Pwned." });
        for (const type of ["text/plain; application/json", "text/plain", "application/x-www-form-urlencoded"]) {
          await refusedUnchanged(
            `POST /api/v1/projects as ${type}`,
            () => studio.request("/api/v1/projects", { method: "POST", headers: { "content-type": type }, body }),
            415,
          );
          await refusedUnchanged(
            `generate as ${type}`,
            () =>
              studio.request(`/api/v1/projects/${project.id}/generate-scenes`, {
                method: "POST",
                headers: { "content-type": type },
                body: "x=1",
              }),
            415,
          );
        }
      });

      await t.step("the studio's own origin, PUBLIC_URL and TRUSTED_ORIGINS may", async () => {
        for (const origin of ["http://localhost", "https://studio.example.com", "https://admin.example.com"]) {
          const res = await studio.request(`/api/v1/sentences/${sentence}`, {
            method: "PATCH",
            headers: { origin, "content-type": "application/json" },
            body: JSON.stringify({ imagePrompt: `from ${origin}` }),
          });
          assert.equal(res.status, 200, origin);
          assert.equal((await res.json()).imagePrompt, `from ${origin}`);
        }
      });

      await t.step("DNS rebinding: requests for another host name get 421, and nothing is read", async () => {
        for (
          const path of ["/", `/projects/${project.id}`, "/api/v1/projects", `/api/v1/projects/${project.id}/events`]
        ) {
          for (const host of ["evil.example", "evil.example:8000", "127.0.0.1.nip.io"]) {
            const res = await studio.request(path, { headers: { host } });
            assert.equal(res.status, 421, `${host} ${path}`);
            const text = await res.text();
            assert.ok(!text.includes("Sentence number"), "no project data");
            assert.match(JSON.parse(text).error, /ALLOWED_HOSTS/);
          }
        }
        const named = await securityStudio("cross_site_hosts", { ALLOWED_HOSTS: "studio.lan" });
        try {
          assert.equal((await named.request("/healthz", { headers: { host: "studio.lan:8000" } })).status, 200);
          assert.equal((await named.request("/healthz", { headers: { host: "192.168.1.20:8000" } })).status, 200);
          assert.equal((await named.request("/healthz", { headers: { host: "other.lan" } })).status, 421);
        } finally {
          await named.close();
        }
      });

      await t.step("another site cannot embed the API, live streams or media (Fetch Metadata)", async () => {
        await Deno.mkdir(`${studio.config.dataDir}/media/p`, { recursive: true });
        await Deno.writeFile(`${studio.config.dataDir}/media/p/a.png`, new Uint8Array(8));
        const embeds: [string, Record<string, string>][] = [
          ["/media/p/a.png", {
            "sec-fetch-site": "cross-site",
            "sec-fetch-mode": "no-cors",
            "sec-fetch-dest": "image",
          }],
          ["/api/v1/projects", {
            "sec-fetch-site": "cross-site",
            "sec-fetch-mode": "no-cors",
            "sec-fetch-dest": "script",
          }],
          [`/api/v1/projects/${project.id}/events`, {
            "sec-fetch-site": "cross-site",
            "sec-fetch-mode": "cors",
            origin: "https://evil.example",
          }],
          [`/projects/${project.id}`, {
            "sec-fetch-site": "cross-site",
            "sec-fetch-mode": "navigate",
            "sec-fetch-dest": "iframe",
          }],
        ];
        for (const [path, headers] of embeds) {
          const res = await studio.request(path, { headers });
          assert.equal(res.status, 403, path);
          await res.body?.cancel();
        }
        const link = await studio.request(`/projects/${project.id}`, {
          headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
        });
        assert.equal(link.status, 200, "a link from another site still opens the page");
        await link.body?.cancel();
      });
    } finally {
      await studio.close();
    }
  },
});

function split(init: { "content-type": string; body: string }) {
  return { headers: { "content-type": init["content-type"] }, body: init.body };
}
