// The storyboard's JavaScript in real Chromium: the page loads at start only its module script and
// the files it preloads (the entry with the toolbar and the cards, the shared chunks); the idle
// islands' chunks (dialogs, notices, search, export) come after, render over their server HTML
// without changing it, and a dialog loaded that way still opens and works.
import assert from "node:assert/strict";
import { currentIslandsBuild, startFiles } from "../../islands_runtime/state.ts";
import { waitForRunEnd } from "../helpers/worker.ts";
import { browserSuite } from "./harness.ts";
import { openStoryboard, startStudio } from "./storyboard_env.ts";

const suite = await browserSuite();

suite.test("storyboard: the small set of scripts at start, idle islands after, a lazy dialog works", async (ctx) => {
  const { page, screenshot, cleanup, pageErrors } = ctx;
  const studio = await startStudio("sb_js", { imageMs: 50, videoMs: 50 });
  cleanup(() => studio.close(page));
  const project = await studio.project(3, "Scripts");
  assert.equal((await studio.api("POST", `/api/v1/projects/${project.id}/generate-scenes`)).status, 202);
  assert.equal(await waitForRunEnd(studio.db.sql, project.id, 60_000), "completed");
  const build = currentIslandsBuild();
  assert.ok(build?.baseUrl, "the islands are built");
  const base = build.baseUrl;

  // A copy of every island's server HTML, as the parser left it (before any script ran).
  await page.addInitScript(() => {
    document.addEventListener("readystatechange", () => {
      if (document.readyState !== "interactive") return;
      (globalThis as unknown as { ssr: Node[] }).ssr = [...document.querySelectorAll("scene-island")]
        .map((el) => el.cloneNode(true));
    });
  });
  const scripts: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith(`${base}/`)) scripts.push(url.pathname.slice(base.length + 1));
  });
  await openStoryboard(page, project.url);

  // What the page preloads is what startFiles() says: the entry's static imports, no idle island.
  const html = await (await fetch(project.url)).text();
  const names = new Set([...html.matchAll(/<scene-island data-island="([^"]+)"/g)].map((m) => m[1]));
  const start = startFiles(build, names);
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(preloaded, start.slice(1).map((file) => `${build.baseUrl}/${file}`));
  const idle = [...names].filter((name) => build.chunks[name].hydration === "idle");
  for (const name of ["MediaViewer", "TakesDialog", "ErrorSummaryDialog", "ExportPanel", "SceneSearch"]) {
    assert.ok(idle.includes(name), `${name} is idle`);
    assert.ok(!start.includes(build.chunks[name].file), `${name} is not loaded at start`);
  }
  for (const name of ["BulkGenerationToolbar", "SceneBody"]) {
    assert.equal(build.chunks[name].hydration, "load");
    assert.ok(start.includes(build.chunks[name].file), `${name} is loaded at start`);
  }
  const gzip = (files: string[]) => files.reduce((sum, file) => sum + build.files[file].gzipBytes, 0);
  console.log(
    `storyboard JS | at start ${start.length} files, ${(gzip(start) / 1024).toFixed(1)} KB gzipped; ` +
      `all ${Object.keys(build.files).length} files, ${(build.gzipBytes / 1024).toFixed(1)} KB gzipped`,
  );
  assert.ok(gzip(start) < build.gzipBytes * 0.75, "the start set is a part of the build");

  // Loaded: the start files first, every one of them; then what the page's code imports once it
  // runs (the idle islands' chunks, the on-demand cards' code).
  assert.deepEqual(scripts.slice(0, start.length).sort(), [...start].sort(), scripts.join(", "));
  for (const name of idle) {
    assert.ok(scripts.includes(build.chunks[name].file), `${name}'s chunk was loaded: ${scripts.join(", ")}`);
  }
  for (const name of idle) {
    assert.equal(await page.getAttribute(`[data-island=${name}]`, "data-hydrated"), "", `${name} hydrated`);
  }

  // The idle islands rendered over the server's HTML and left it as it was (the same elements,
  // attributes and text: nothing flickered).
  const changed = await page.evaluate((idle) => {
    const ssr = (globalThis as unknown as { ssr: Element[] }).ssr;
    const now = [...document.querySelectorAll("scene-island")];
    if (ssr.length !== now.length) return [`${ssr.length} islands in the server's HTML, ${now.length} now`];
    return now.flatMap((el, i) => {
      const name = el.getAttribute("data-island") ?? "";
      if (!idle.includes(name)) return [];
      // Compared as the parser would read it: text split into several nodes is one text, and
      // attributes in another order are the same attributes.
      const clean = el.cloneNode(true) as Element;
      clean.removeAttribute("data-hydrated");
      clean.normalize();
      return clean.isEqualNode(ssr[i]) ? [] : [`${name}: ${ssr[i].innerHTML} → ${el.innerHTML}`];
    });
  }, idle);
  assert.deepEqual(changed, []);

  // A lazily loaded dialog opens from a card, shows the scene's image and closes with Esc.
  const thumbnail = page.locator(`#sentence-${project.sentenceIds[1]} .scene-part--image .media-open`);
  await thumbnail.click();
  const viewer = page.locator("dialog[data-testid=viewer][open]");
  await viewer.waitFor();
  assert.equal(await viewer.locator("h2").innerText(), "Scene 2 · Image");
  assert.equal(await viewer.locator(".viewer-media img").getAttribute("src"), await thumbnail.getAttribute("href"));
  await screenshot("lazy-viewer");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[data-testid=viewer]:not([open])", { state: "attached" });
  assert.ok(await thumbnail.evaluate((el) => el === document.activeElement), "the focus is back on the thumbnail");

  assert.deepEqual(pageErrors, []);
}, { timeoutMs: 120_000, actionTimeoutMs: 20_000 });
