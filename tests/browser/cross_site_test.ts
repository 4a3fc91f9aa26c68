// Cross-site tricks in a real Chromium: the creator has Scene Studio open (and, with a token, is
// logged in), then visits an attacker's page on another origin, which tries every classic trick:
// auto-submitted forms (urlencoded, text/plain JSON, the no-JS forms), no-cors and CORS fetches,
// sendBeacon, <img>/<script> of the studio's media and API, an <iframe> of the storyboard, and
// EventSource. Two attacker origins: another port of the same host (same site: SameSite=Strict
// cookies ARE sent) and another host (cross site). Afterwards the database is byte for byte as
// before, and the page could read nothing.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { databaseFingerprint } from "../helpers/db_fingerprint.ts";
import { makeProject } from "../helpers/live.ts";
import { securityStudio, TOKEN } from "../security/studio.ts";
import { browserSuite } from "./harness.ts";

const suite = await browserSuite();

/** The attacker's page: every trick against `studio`; results land in `window.__results`. */
function attackerPage(studio: string, projectId: number, sentenceId: number): string {
  const forms = [
    ["gen", `${studio}/api/v1/projects/${projectId}/generate-scenes`, "application/x-www-form-urlencoded", { a: "1" }],
    ["json", `${studio}/api/v1/projects`, "text/plain", { '{"title":"Evil","script":"Pwned.","x":"': '"}' }],
    ["create", `${studio}/projects`, "application/x-www-form-urlencoded", { title: "Evil", script: "Pwned." }],
    ["prompt", `${studio}/sentences/${sentenceId}/prompts`, "multipart/form-data", { imagePrompt: "pwned" }],
    ["cancel", `${studio}/api/v1/projects/${projectId}/cancel-scenes`, "text/plain", { x: "y" }],
  ] as const;
  const formHtml = forms.map(([name, action, enctype, fields]) =>
    `<iframe name="t-${name}"></iframe><form id="f-${name}" method="post" action="${action}" enctype="${enctype}" target="t-${name}">${
      Object.entries(fields).map(([k, v]) => `<input type="hidden" name='${k}' value='${v}'>`).join("")
    }</form>`
  ).join("\n");
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Totally harmless</title></head><body>
${formHtml}
<iframe id="frame" src="${studio}/projects/${projectId}"></iframe>
<script>
const studio = ${JSON.stringify(studio)};
const results = {};
const settle = (name, promise) => promise.then((v) => (results[name] = v), (e) => (results[name] = "error: " + e.name));
const load = (tag, url) => new Promise((resolve) => {
  const el = document.createElement(tag);
  el.onload = () => resolve("loaded");
  el.onerror = () => resolve("blocked");
  el.src = url;
  document.body.appendChild(el);
});
const json = JSON.stringify({ title: "Evil", script: "Pwned." });
const jobs = [
  settle("fetch no-cors text/plain create", fetch(studio + "/api/v1/projects", { method: "POST", mode: "no-cors", body: json, headers: { "content-type": "text/plain" } }).then((r) => r.type)),
  settle("fetch no-cors generate", fetch(studio + "/api/v1/projects/${projectId}/generate-scenes", { method: "POST", mode: "no-cors", credentials: "include" }).then((r) => r.type)),
  settle("fetch cors PATCH json", fetch(studio + "/api/v1/sentences/${sentenceId}", { method: "PATCH", credentials: "include", headers: { "content-type": "application/json" }, body: JSON.stringify({ imagePrompt: "pwned" }) }).then((r) => r.status)),
  settle("fetch cors read projects", fetch(studio + "/api/v1/projects", { credentials: "include" }).then((r) => r.text())),
  settle("sendBeacon generate", Promise.resolve(navigator.sendBeacon(studio + "/api/v1/projects/${projectId}/generate-scenes", json))),
  settle("img media", load("img", studio + "/media/projects/${projectId}/a.png")),
  settle("script api", load("script", studio + "/api/v1/projects")),
  settle("event source", new Promise((resolve) => {
    const es = new EventSource(studio + "/api/v1/projects/${projectId}/events", { withCredentials: true });
    es.onopen = () => { es.close(); resolve("open"); };
    es.onerror = () => { es.close(); resolve("failed"); };
  })),
];
for (const form of document.querySelectorAll("form")) form.submit();
Promise.all(jobs).then(() => setTimeout(() => { window.__results = results; }, 1500));
</script></body></html>`;
}

async function attack(page: Page, attacker: string) {
  await page.goto(attacker);
  await page.waitForFunction(() => (window as unknown as { __results?: unknown }).__results, undefined, {
    timeout: 20_000,
  });
  return await page.evaluate(() => (window as unknown as { __results: Record<string, string> }).__results);
}

for (const withToken of [false, true]) {
  suite.test(
    `an attacker's page on another origin changes and reads nothing (${
      withToken ? "logged in with a token" : "no token, loopback"
    })`,
    async ({ page }) => {
      const studio = await securityStudio(`browser_xsite_${withToken}`, withToken ? { STUDIO_TOKEN: TOKEN } : {});
      const served = studio.serve();
      const port = served.guard.addr.port;
      const base = `http://localhost:${port}`; // the studio as the creator opens it
      const project = await makeProject(studio.db.sql, 3, "Victim");
      const media = `${studio.config.dataDir}/media/projects/${project.id}`;
      await Deno.mkdir(media, { recursive: true });
      await Deno.writeFile(`${media}/a.png`, Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0)));
      const html = attackerPage(base, project.id, project.sentenceIds[0]);
      const evil = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
      );
      try {
        // The creator uses the studio first: it has set its cookies (CSRF, and the session).
        if (withToken) {
          await page.goto(`${base}/`);
          await page.fill("input[name=token]", TOKEN);
          await page.click("button[type=submit]");
          await page.waitForURL(`${base}/`);
        }
        await page.goto(`${base}/projects/${project.id}`);
        await page.waitForSelector("html[data-islands-ready]");
        const cookies = (await page.context().cookies(base)).map((c) => c.name).sort();
        assert.deepEqual(cookies, withToken ? ["studio_csrf", "studio_session"] : ["studio_csrf"]);
        const before = await databaseFingerprint(studio.db.sql);

        const evilPort = (evil.addr as Deno.NetAddr).port;
        const attackers = [
          `http://localhost:${evilPort}/`, // same site, another port: Strict cookies are sent
          `http://127.0.0.1:${evilPort}/`, // another site
        ];
        for (const attacker of attackers) {
          const results = await attack(page, attacker);
          const label = `from ${attacker}`;
          assert.match(results["fetch cors PATCH json"], /^error: TypeError$/, `${label}: the preflight is refused`);
          assert.match(results["fetch cors read projects"], /^error: TypeError$/, `${label}: nothing can be read`);
          assert.equal(results["img media"], "blocked", `${label}: media cannot be embedded`);
          assert.equal(results["script api"], "blocked", `${label}: the API cannot be included as a script`);
          assert.equal(results["event source"], "failed", `${label}: no live stream`);
          const frame = page.frames().find((f) => f.url().includes(`/projects/${project.id}`));
          const framed = frame ? await frame.content().catch(() => "") : "";
          assert.ok(!framed.includes("Sentence number"), `${label}: the storyboard is not shown in a frame`);
          assert.deepEqual(
            await databaseFingerprint(studio.db.sql),
            before,
            `${label}: the database is unchanged (${JSON.stringify(results)})`,
          );
        }
        // The creator's own page still works: a prompt edit with the form goes through.
        await page.goto(`${base}/projects/${project.id}`);
        await page.click(`#sentence-${project.sentenceIds[0]} details.scene-edit > summary`);
        await page.fill(`#sentence-${project.sentenceIds[0]} textarea[name=imagePrompt]`, "Edited by the creator");
        await page.click(`#sentence-${project.sentenceIds[0]} .prompt-form button[type=submit]`);
        await page.waitForURL(
          `${base}/projects/${project.id}?sentence=${project.sentenceIds[0]}#sentence-${project.sentenceIds[0]}`,
        );
        const [row] = await studio.db.sql`select image_prompt from sentences where id = ${project.sentenceIds[0]}`;
        assert.equal(row.image_prompt, "Edited by the creator");
      } finally {
        await page.goto("about:blank").catch(() => {});
        await evil.shutdown();
        await studio.close();
      }
    },
    { allowPageErrors: true, timeoutMs: 90_000 },
  );
}

/** A 1×1 PNG. */
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
