// The storyboard and the home page on a phone-sized screen: nothing wider than the viewport, the
// toolbar and every card readable without sideways scrolling, and the run's progress and Cancel
// pinned to the bottom of the screen once the toolbar has scrolled away.
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifactsDir, browserSuite } from "./harness.ts";
import { openStoryboard, startStudio } from "./storyboard_env.ts";

const suite = await browserSuite();

suite.test("phone width: home and storyboard fit the screen", async ({ page, screenshot, cleanup }) => {
  const studio = await startStudio("sb_phone");
  cleanup(() => studio.close(page));
  const project = await studio.project(12, "Phone");
  // With media in the cards, and enough cards that most are off-screen (the browser skips their
  // layout, so their placeholder size must not widen the grid).
  assert.equal((await studio.api("POST", `/api/v1/projects/${project.id}/generate-scenes`)).status, 202);
  const deadline = Date.now() + 30_000;
  while (
    ((await studio.api("GET", `/api/v1/projects/${project.id}/scene-run`)).body.run as { status?: string } | null)
      ?.status !== "completed"
  ) {
    assert.ok(Date.now() < deadline, "the run did not complete within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${studio.base}/`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, "home page is not wider");
  await openStoryboard(page, project.url);
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    cards: [...document.querySelectorAll(".scene-card")].map((c) => c.getBoundingClientRect().right),
  }));
  assert.equal(widths.page, 390, "storyboard is not wider than the phone");
  assert.equal(widths.cards.length, 12);
  assert.equal(await page.locator(".scene-card .scene-part--video .media-open").count(), 12);
  for (const right of widths.cards) assert.ok(right <= 390, `a card ends at ${right}px`);
  await screenshot("storyboard-phone");
  // The first card as the phone shows it (the viewport, not the whole page).
  await page.locator(".scene-card").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifactsDir(), "storyboard-phone-card.png") });
});

suite.test("phone width: long unbroken words wrap instead of widening the page", async ({ page, screenshot, cleanup }) => {
  const studio = await startStudio("sb_phone_words");
  cleanup(() => studio.close(page));
  const word = "Supercalifragilisticexpialidociouslighthousekeeperwordwithoutanyspaces";
  const created = await studio.api("POST", "/api/v1/projects", {
    title: `Title ${word}`,
    script: `# Heading ${word}\nThe keeper says ${word}. A second scene.`,
    aspectRatio: "9:16",
  });
  assert.equal(created.status, 201);
  const id = created.body.id as number;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${studio.base}/`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, "home page is not wider");
  await openStoryboard(page, `${studio.base}/projects/${id}`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, "storyboard is not wider");
  await screenshot("storyboard-phone-long-words");
});

suite.test("phone width: a compact progress bar with Cancel stays pinned once the toolbar scrolls away", async (ctx) => {
  const { page, cleanup } = ctx;
  const studio = await startStudio("sb_phone_pin", { imageMs: 300, videoMs: 300 });
  cleanup(() => studio.close(page));
  const project = await studio.project(8, "Pinned");
  // Slow images: the run lasts while the page is scrolled.
  for (const id of project.sentenceIds.slice(2)) {
    await studio.api("PATCH", `/api/v1/sentences/${id}`, { imagePrompt: "[slow] The lighthouse at night" });
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await openStoryboard(page, project.url);
  const pin = page.locator("[data-testid=run-pin]");
  await page.click("[data-testid=generate]");
  await page.locator("[data-testid=cancel]").waitFor();
  // At the top the toolbar itself shows the progress: no second bar.
  assert.equal(await pin.isVisible(), false);
  await page.locator(".scene-card").last().scrollIntoViewIfNeeded();
  await pin.waitFor({ state: "visible" });
  const box = (await pin.boundingBox())!;
  assert.ok(box.y + box.height <= 844 && box.y >= 844 - 90, `pinned to the bottom: ${JSON.stringify(box)}`);
  assert.ok(box.width >= 389, "full width");
  assert.match(await pin.innerText(), /Generating\.\.\. \(\d+\/8\)\s*Cancel/);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, "nothing wider than the phone");
  await page.screenshot({ path: join(artifactsDir(), "storyboard-phone-pinned.png") });
  // Cancel from the pinned bar.
  await pin.locator("button", { hasText: "Cancel" }).click();
  await page.locator("[data-testid=toast]", { hasText: /^Cancelled/ }).waitFor();
  await pin.waitFor({ state: "detached" });
  await page.screenshot({ path: join(artifactsDir(), "storyboard-phone-cancelled.png") });
});
