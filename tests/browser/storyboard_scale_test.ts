// A 500-sentence storyboard in real Chromium: it hydrates quickly, follows a whole run of 1000 jobs
// (zero-time simulated provider, so events arrive as fast as the engine makes them) without falling
// behind or blocking the page, and ends showing exactly what the database holds.
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifactsDir, browserSuite } from "./harness.ts";
import { dbStatuses, loadAllCards, openStoryboard, pageStatuses, partStatuses, startStudio } from "./storyboard_env.ts";

const suite = await browserSuite();
const N = 500;

suite.test("500 sentences: hydrates, follows a whole run, stays responsive", async (ctx) => {
  const { page, cleanup } = ctx;
  const studio = await startStudio("sb_scale", { imageMs: 0, videoMs: 0 });
  cleanup(() => studio.close(page));
  const project = await studio.project(N, "Five hundred");
  const started = performance.now();
  await openStoryboard(page, project.url);
  const readyMs = performance.now() - started;
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { domContentLoaded: Math.round(nav.domContentLoadedEventEnd), load: Math.round(nav.loadEventEnd) };
  });
  // The page renders its first chunks of cards; the rest load as they come into view.
  assert.ok(await page.locator(".scene-card").count() < N);
  await loadAllCards(page);
  assert.equal(await page.locator(".scene-card").count(), N);
  await page.evaluate(() => scrollTo(0, 0));

  // Long tasks (main thread blocked ≥ 50 ms) while the run streams in.
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
    }).observe({ type: "longtask", buffered: false });
  });
  const runStarted = performance.now();
  await page.click("[data-testid=generate]");
  const toast = page.locator("[data-testid=toast]");
  await toast.waitFor({ timeout: 240_000 });
  const runMs = performance.now() - runStarted;
  assert.equal(await toast.locator(".toast-text").innerText(), `${N} scenes generated`);
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  assert.deepEqual(await partStatuses(page, "video"), { done: N });
  assert.deepEqual(await pageStatuses(page), await dbStatuses(studio.db, project.id));
  console.log(
    `500-sentence storyboard: open → hydrated and streaming ${Math.round(readyMs)} ms ` +
      `(DOMContentLoaded ${timing.domContentLoaded} ms, load ${timing.load} ms); run of 1000 jobs followed in ` +
      `${Math.round(runMs)} ms; long tasks: ${longTasks.length}, longest ${Math.round(Math.max(0, ...longTasks))} ms`,
  );
  // Generous bounds for a slow shared machine: the page must not freeze.
  assert.ok(readyMs < 30_000, `hydration took ${readyMs} ms`);
  assert.ok(Math.max(0, ...longTasks) < 2000, `a long task of ${Math.max(...longTasks)} ms`);
  // The viewport in the middle of the page (cards off screen are skipped by content-visibility).
  await page.locator(".scene-card").nth(250).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifactsDir(), "storyboard-scale-500-middle.png") });
}, { timeoutMs: 300_000, actionTimeoutMs: 60_000 });
