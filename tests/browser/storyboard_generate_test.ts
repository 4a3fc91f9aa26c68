// Storyboard in real Chromium against a real server and worker (simulated provider): "Generate All
// Scenes" counts up to N/N, every card gets its thumbnail and clip live, and a toast says so.
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
  recordSeen,
  seen,
  startStudio,
} from "./storyboard_env.ts";

const suite = await browserSuite();
const N = 6;

suite.test("Generate All Scenes: the label counts up to N/N, thumbnails appear, a toast", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_generate", { imageMs: 250, videoMs: 350 });
  cleanup(() => studio.close(page));
  const project = await studio.project(N, "Generate all");
  await openStoryboard(page, project.url);
  assert.equal(await mainLabel(page), "Generate All Scenes");
  assert.deepEqual(await partStatuses(page, "image"), { idle: N });
  // The notices come from the data: no scene has audio, no video prompt is written yet.
  assert.match(
    await page.locator("[data-notice=audio]").innerText(),
    new RegExp(
      `^${N} scenes have no narration audio yet — generate section audio first for the best timing\\. ?Generate section audio$`,
    ),
  );
  assert.match(await page.locator("[data-notice=video-prompts]").innerText(), /written automatically/);
  await screenshot("storyboard-1-before");

  // The last image is slow (×10), so the running state lasts long enough to be looked at.
  await studio.api("PATCH", `/api/v1/sentences/${project.sentenceIds[N - 1]}`, {
    imagePrompt: "[slow] Scene 6 shows the lighthouse at night.",
  });
  await recordLabels(page);
  await recordSeen(page, {
    cancel: `document.querySelector("[data-testid=cancel]") !== null`,
    progressbar: `document.querySelector(".progress-track[role=progressbar]") !== null`,
    stats:
      `/^Images \\d+\\/6 · Videos \\d+\\/6/.test(document.querySelector("[data-testid=stats]")?.textContent ?? "")`,
    spinner: `document.querySelector(".scene-card [data-status=running] .spinner") !== null`,
    eta: `document.querySelector("[data-testid=eta]") !== null`,
    announcedStart: `document.querySelector("[data-testid=announcer]")?.textContent === "Generating 6 scenes."`,
  });
  assert.equal(await page.locator("[data-testid=announcer]").getAttribute("aria-live"), "polite");
  await page.click("[data-testid=generate]");
  // Active: the label counts, a progress bar, counts of images and videos, a Cancel button.
  await page.waitForFunction(() => document.querySelectorAll(".scene-part--image img").length >= 2);
  await screenshot("storyboard-2-running");

  const toast = page.locator("[data-testid=toast]");
  await toast.waitFor({ timeout: 60_000 });
  assert.equal(await toast.locator(".toast-text").innerText(), `${N} scenes generated`);
  assert.equal(await page.locator("[data-testid=announcer]").textContent(), `${N} scenes generated.`);
  // What the page showed while the run was going (screen readers heard the start politely).
  assert.deepEqual(await seen(page), {
    cancel: true,
    progressbar: true,
    stats: true,
    spinner: true,
    eta: true,
    announcedStart: true,
  });
  // The full bar stays a moment, then the button says there is nothing left to do (not an action).
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=generate]")?.textContent === "All scenes generated"
  );
  assert.equal(await page.locator("[data-testid=generate]").getAttribute("aria-disabled"), "true");
  assert.equal(await page.locator(".bulk-progress").count(), 0);

  // The label counted up, never down, to N/N.
  const counts = (await recordedLabels(page)).map(parseLabel).filter((x) => x !== null);
  assert.ok(counts.length >= 2, `labels seen: ${JSON.stringify(await recordedLabels(page))}`);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i][0] >= counts[i - 1][0], "the count never goes down");
  assert.deepEqual(counts.at(-1), [N, N]);

  // Every card shows the image's and the clip's thumbnails; the page agrees with the database.
  assert.deepEqual(await partStatuses(page, "image"), { done: N });
  assert.deepEqual(await partStatuses(page, "video"), { done: N });
  assert.equal(await page.locator(".scene-part--image .media-open img").count(), N);
  assert.equal(await page.locator(".scene-part--video .media-open").count(), N);
  assert.deepEqual(await pageStatuses(page), await dbStatuses(studio.db, project.id));
  // The clip itself is a link to the file (the viewer opens it; without JavaScript the browser does).
  const clipUrl = await page.locator(".scene-part--video .media-open").first().getAttribute("href");
  const clip = await fetch(new URL(clipUrl!, studio.base));
  assert.equal(clip.headers.get("content-type"), "video/mp4");
  assert.ok((await clip.arrayBuffer()).byteLength > 0);
  // The video prompts written by the engine replaced the "written automatically" notes live.
  await page.waitForFunction(
    (n) => [...document.querySelectorAll(".video-prompt")].filter((d) => !d.querySelector("em")).length === n,
    N,
  );
  await screenshot("storyboard-3-done");

  // Clicking "All scenes generated" asks nothing of the server (no 409 to show).
  await page.locator("[data-testid=toast] .toast-close").click();
  const asked: string[] = [];
  page.on("request", (r) => void (r.url().includes("generate-scenes") && asked.push(r.url())));
  await page.click("[data-testid=generate]", { force: true }); // aria-disabled: Playwright would wait
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  assert.deepEqual(asked, []);
  assert.equal(await page.locator("[data-testid=error]").count(), 0);
  await screenshot("storyboard-4-nothing-to-do");
}, { timeoutMs: 180_000, actionTimeoutMs: 30_000 });
