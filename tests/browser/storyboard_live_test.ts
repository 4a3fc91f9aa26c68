// The live storyboard in real Chromium against a real server and worker: cancelling mid-run stops
// the counts and marks the cards cancelled; reloading mid-run shows the true state at once (server
// render from the database) and keeps following the run to its end, missing nothing.
import assert from "node:assert/strict";
import { browserSuite } from "./harness.ts";
import {
  dbStatuses,
  mainLabel,
  openStoryboard,
  pageStatuses,
  parseLabel,
  partStatuses,
  recordedLabels,
  recordLabels,
  startStudio,
  waitForStream,
} from "./storyboard_env.ts";

const suite = await browserSuite();
const N = 10;

suite.test("cancel mid-run: counts stop, cards show cancelled, the toast says cancelled", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_cancel", { imageMs: 400, videoMs: 500 });
  cleanup(() => studio.close(page));
  const project = await studio.project(N, "Cancel");
  // Later images are slow (×10), so the run is surely still going when Cancel is pressed.
  for (const id of project.sentenceIds.slice(4)) {
    await studio.api("PATCH", `/api/v1/sentences/${id}`, { imagePrompt: "[slow] The lighthouse at night" });
  }
  await openStoryboard(page, project.url);
  await page.click("[data-testid=generate]");
  await page.waitForFunction(() => document.querySelectorAll(".scene-part--image[data-status=done]").length >= 2);
  await screenshot("storyboard-cancel-1-running");

  // Cancel with the keyboard: when the Cancel button goes away, focus stays in the toolbar.
  await page.focus("[data-testid=cancel]");
  await page.keyboard.press("Enter");
  const toast = page.locator("[data-testid=toast]");
  await toast.waitFor();
  assert.match(await toast.locator(".toast-text").innerText(), /^Cancelled — \d+ of 10 scenes generated$/);
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=generate]")?.textContent === "Generate All Scenes"
  );
  assert.equal(await page.locator("[data-testid=cancel]").count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "generate");
  assert.match(await page.locator("[data-testid=hint]").innerText(), /^Last run: Cancelled — /);

  // Nothing is left queued or running on the page (the cards follow the stream, which may come
  // a moment after the answer to the cancel); what was waiting shows cancelled.
  await page.waitForFunction(() =>
    document.querySelector(".scene-card [data-status=queued], .scene-card [data-status=running]") === null
  );
  const images = await partStatuses(page, "image");
  const videos = await partStatuses(page, "video");
  for (const counts of [images, videos]) {
    assert.equal(counts.queued ?? 0, 0, JSON.stringify(counts));
    assert.equal(counts.running ?? 0, 0, JSON.stringify(counts));
  }
  assert.ok((images.cancelled ?? 0) + (videos.cancelled ?? 0) > 0, JSON.stringify({ images, videos }));
  assert.ok(await page.locator(".badge-cancelled").first().isVisible());
  await screenshot("storyboard-cancel-2-cancelled");

  // The counts stop: nothing changes afterwards, on the page or in the database.
  const before = await pageStatuses(page);
  assert.deepEqual(before, await dbStatuses(studio.db, project.id));
  const [{ active }] = await studio.db.sql`
    select count(*)::int as active from scene_runs where project_id = ${project.id} and status = 'active'`;
  assert.equal(active, 0);
  await new Promise((r) => setTimeout(r, 1500)); // an observation window, not a wait for a result
  assert.deepEqual(await pageStatuses(page), before);
  assert.deepEqual(await dbStatuses(studio.db, project.id), before);
}, { timeoutMs: 180_000, actionTimeoutMs: 30_000 });

suite.test("reload mid-run: the true state at once, then it keeps updating to the end", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_reload", { imageMs: 300, videoMs: 400 });
  cleanup(() => studio.close(page));
  const project = await studio.project(N, "Reload");
  // Two slow images (×10) keep the run going across the reload, even on a slow machine.
  for (const id of project.sentenceIds.slice(5, 7)) {
    await studio.api("PATCH", `/api/v1/sentences/${id}`, { imagePrompt: "[slow] The lighthouse at night" });
  }
  await openStoryboard(page, project.url);
  await page.click("[data-testid=generate]");
  await page.waitForFunction(() => document.querySelectorAll(".scene-part--image[data-status=done]").length >= 3);
  const doneBefore = (await partStatuses(page, "image")).done ?? 0;
  const label = parseLabel(await mainLabel(page));
  assert.ok(label, "the run is active before the reload");

  // The server-rendered page (no JavaScript involved yet) already shows the run and the cards.
  const html = await (await fetch(project.url)).text();
  assert.match(html, /Generating\.\.\. \(\d+\/10\)/);
  await page.reload({ waitUntil: "domcontentloaded" });
  const served = parseLabel(await mainLabel(page));
  assert.ok(served, `label after reload: ${await mainLabel(page)}`);
  assert.ok(served[0] >= label[0] && served[1] === N, JSON.stringify({ label, served }));
  assert.ok(((await partStatuses(page, "image")).done ?? 0) >= doneBefore);
  await page.waitForSelector("html[data-islands-ready]");
  await waitForStream(page);
  await recordLabels(page);
  await screenshot("storyboard-reload-1-after-reload");

  // It keeps following the run: the label counts on and the toast arrives.
  const toast = page.locator("[data-testid=toast]");
  await toast.waitFor({ timeout: 60_000 });
  assert.equal(await toast.locator(".toast-text").innerText(), `${N} scenes generated`);
  const counts = (await recordedLabels(page)).map(parseLabel).filter((x) => x !== null);
  assert.deepEqual(counts.at(-1), [N, N], JSON.stringify(await recordedLabels(page)));
  // Nothing was missed between the render and the stream: the page matches the database.
  assert.deepEqual(await pageStatuses(page), await dbStatuses(studio.db, project.id));
  assert.deepEqual(await partStatuses(page, "video"), { done: N });
  await screenshot("storyboard-reload-2-done");
}, { timeoutMs: 180_000, actionTimeoutMs: 30_000 });
