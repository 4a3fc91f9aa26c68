// Islands runtime in a real browser: a page with fixture islands hydrates from
// the bundled scripts (one Preact copy), loading at start only the preloaded files
// (the idle island's chunk comes after, and only on a page that has it), signals
// shared between islands stay shared, hostile props stay text, and a page without
// islands ships no script.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { type ComponentChildren, h } from "preact";
import { signal } from "@preact/signals";
import { browserSuite } from "./harness.ts";
import { buildIslands } from "../../islands_runtime/build.ts";
import { startFiles } from "../../islands_runtime/state.ts";
import { renderPage } from "../../islands_runtime/server.tsx";
import { staticFiles } from "../../islands_runtime/static.ts";
import Counter from "../fixtures/islands/Counter.tsx";
import Total from "../fixtures/islands/Total.tsx";

const FIXTURE_ISLANDS = fileURLToPath(
  new URL("../fixtures/islands", import.meta.url),
);
const HOSTILE = "</script><script>alert(1)</script><!-- \u2028";
const SINCE = new Date("2024-02-03T04:05:06.789Z");

const suite = await browserSuite();

/** A whole document around `children`. */
const page = (title: string, ...children: ComponentChildren[]) =>
  h("html", { lang: "en" }, h("head", null, h("title", null, title)), h("body", null, h("main", null, ...children)));

async function startApp() {
  const staticRoot = await Deno.makeTempDir({ prefix: "islands-smoke-" });
  const started = performance.now();
  const build = await buildIslands({
    islandsDir: FIXTURE_ISLANDS,
    outDir: join(staticRoot, "build"),
    publicPath: "/static/build",
  });
  const buildMs = performance.now() - started;
  const app = new Hono();
  app.use("/static/*", staticFiles({ root: staticRoot }));
  app.get("/", (c) => {
    const total = signal(5);
    return c.html(renderPage(
      page(
        "Islands",
        h("h1", null, "Islands smoke test"),
        h(Counter, { label: HOSTILE, start: 2, since: SINCE, total }),
        h(Total, { total }),
      ),
      { build },
    ));
  });
  app.get(
    "/counter",
    (c) =>
      c.html(renderPage(page("Counter", h(Counter, { label: "alone", start: 1, since: SINCE, total: signal(1) })), {
        build,
      })),
  );
  app.get("/plain", (c) => c.html(renderPage(page("Plain", h("h1", null, "No islands here")), { build })));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    app.fetch,
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    base,
    build,
    buildMs,
    async close() {
      await server.shutdown();
      await Deno.remove(staticRoot, { recursive: true });
    },
  };
}

suite.test("islands hydrate from the bundle and update on click", async ({ page, screenshot, pageErrors }) => {
  const app = await startApp();
  try {
    const { build } = app;
    assert.ok(build.url, "fixture islands produce a bundle");
    console.log(
      `fixture bundle: ${build.bytes} B, ${build.gzipBytes} B gzipped, ` +
        `buildIslands ${app.buildMs.toFixed(0)} ms (cached: ${build.cached})`,
    );

    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/static/build/")) scripts.push(request.url());
    });
    const response = await page.goto(app.base + "/");
    assert.equal(response?.status(), 200);
    await page.waitForSelector("html[data-islands-ready='2']");
    // At start: the entry (with Counter) and what it imports, all preloaded by the page; Total is
    // idle, its chunk (a file of its own) comes after.
    const start = startFiles(build, ["Counter", "Total"]);
    const html = await (await fetch(app.base + "/")).text();
    assert.deepEqual(
      [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]),
      start.slice(1).map((file) => `${build.baseUrl}/${file}`),
    );
    const totalChunk = `${app.base}${build.baseUrl}/${build.chunks.Total.file}`;
    assert.equal(build.chunks.Total.hydration, "idle");
    assert.ok(!start.includes(build.chunks.Total.file));
    assert.deepEqual(
      scripts.slice(0, start.length).sort(),
      start.map((file) => `${app.base}${build.baseUrl}/${file}`).sort(),
      "the first scripts loaded are the preloaded ones",
    );
    assert.ok(scripts.includes(totalChunk), `the idle island's chunk is loaded: ${scripts.join(", ")}`);
    assert.equal(await page.getAttribute("[data-island=Total]", "data-hydrated"), "");

    // Hydrated (the effect ran in the browser) with revived prop types.
    assert.equal(
      await page.textContent("[data-testid=revived]"),
      `Date:${SINCE.toISOString()}|note:undefined`,
    );
    assert.equal(await page.textContent("[data-testid=count]"), "2");
    assert.equal(await page.textContent("[data-testid=total]"), "total: 5");
    await screenshot("islands-smoke-hydrated");

    await page.click("button");
    await page.waitForFunction(() => document.querySelector("[data-testid=count]")?.textContent === "3");
    // The Total island shares the signal with Counter: it updates too.
    assert.equal(await page.textContent("[data-testid=total]"), "total: 6");
    await page.click("button");
    await page.waitForFunction(() => document.querySelector("[data-testid=total]")?.textContent === "total: 7");
    assert.equal(await page.textContent("[data-testid=count]"), "4");
    await screenshot("islands-smoke-clicked");

    // The hostile prop is plain text, in the HTML and after hydration.
    assert.equal(await page.textContent(".counter .label"), HOSTILE);
    assert.equal(
      await page.evaluate(() => Array.from(document.scripts, (s) => s.type || "classic").join(",")),
      "application/json,module", // the props, then the bundle that reads them
    );
    assert.deepEqual(pageErrors, []);

    // The bundle is served gzipped with immutable caching.
    const bundle = await fetch(app.base + build.url, {
      headers: { "accept-encoding": "gzip" },
    });
    await bundle.arrayBuffer();
    assert.equal(
      bundle.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    assert.equal(bundle.headers.get("content-encoding"), "gzip");
    assert.match(bundle.headers.get("content-type") ?? "", /^text\/javascript/);
  } finally {
    await app.close();
  }
});

suite.test("a page loads the chunk of an idle island only when it has that island", async ({ page, pageErrors }) => {
  const app = await startApp();
  try {
    const scripts: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/static/build/")) scripts.push(request.url());
    });
    await page.goto(app.base + "/counter");
    await page.waitForSelector("html[data-islands-ready='1']");
    await page.click("button");
    await page.waitForFunction(() => document.querySelector("[data-testid=count]")?.textContent === "2");
    const start = startFiles(app.build, ["Counter"]).map((file) => `${app.base}${app.build.baseUrl}/${file}`);
    assert.deepEqual([...new Set(scripts)].sort(), start.sort());
    assert.deepEqual(pageErrors, []);
  } finally {
    await app.close();
  }
});

suite.test("a page without islands ships no JavaScript", async ({ page }) => {
  const app = await startApp();
  try {
    const html = await (await fetch(app.base + "/plain")).text();
    assert.doesNotMatch(html, /<script/i);
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(app.base + "/plain");
    assert.equal(await page.textContent("h1"), "No islands here");
    assert.equal(await page.evaluate(() => document.scripts.length), 0);
    assert.deepEqual(
      requests.filter((url) => !url.endsWith("/favicon.ico")),
      [app.base + "/plain"],
    );
  } finally {
    await app.close();
  }
});
