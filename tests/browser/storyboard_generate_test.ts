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
  // The full bar stays a moment, then the button offers to generate again.
  await page.waitForFunction(() =>
    document.querySelector("[data-testid=generate]")?.textContent === "Generate All Scenes"
  );
  assert.equal(await page.locator(".bulk-progress").count(), 0);

  // The label counted up, never down, to N/N.
  const counts = (await recordedLabels(page)).map(parseLabel).filter((x) => x !== null);
  assert.ok(counts.length >= 2, `labels seen: ${JSON.stringify(await recordedLabels(page))}`);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i][0] >= counts[i - 1][0], "the count never goes down");
  assert.deepEqual(counts.at(-1), [N, N]);

  // Every card shows its thumbnail and a muted, playable clip; the page agrees with the database.
  assert.deepEqual(await partStatuses(page, "image"), { done: N });
  assert.deepEqual(await partStatuses(page, "video"), { done: N });
  assert.equal(await page.locator(".scene-part--image img").count(), N);
  const videos = page.locator(".scene-part--video video");
  assert.equal(await videos.count(), N);
  assert.deepEqual(await pageStatuses(page), await dbStatuses(studio.db, project.id));
  const clip = await videos.first().evaluate(async (v: HTMLVideoElement) => {
    const canPlay = v.canPlayType('video/mp4; codecs="avc1.42E01E"');
    if (!canPlay) return { muted: v.muted, canPlay, loaded: false };
    v.preload = "metadata";
    const loaded = await new Promise<boolean>((resolve) => {
      v.addEventListener("loadedmetadata", () => resolve(true), { once: true });
      v.addEventListener("error", () => resolve(false), { once: true });
      v.load();
    });
    return { muted: v.muted, canPlay, loaded, duration: v.duration };
  });
  assert.equal(clip.muted, true);
  if (clip.canPlay) assert.ok(clip.loaded && (clip.duration ?? 0) > 0, JSON.stringify(clip));
  // The video prompts written by the engine replaced the "written automatically" notes live.
  await page.waitForFunction((n) => document.querySelectorAll(".video-prompt-written").length === n, N);
  await screenshot("storyboard-3-done");

  // A second click has nothing to generate: the API's message is shown, readable.
  await page.locator("[data-testid=toast] .toast-close").click();
  await page.click("[data-testid=generate]");
  const error = page.locator("[data-testid=error]");
  await error.waitFor();
  assert.match(await error.innerText(), /nothing to generate/);
  // Chromium logs the 409 answer as a console error: expected here, and only here.
  const conflict = ctx.pageErrors.findIndex((e) => /status of 409/.test(e));
  assert.ok(conflict >= 0);
  ctx.pageErrors.splice(conflict, 1);
  await screenshot("storyboard-4-nothing-to-do");
}, { timeoutMs: 180_000, actionTimeoutMs: 30_000 });
