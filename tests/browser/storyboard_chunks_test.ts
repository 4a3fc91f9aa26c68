// A storyboard bigger than its first render, in real Chromium: cards of later sections load as
// they come into view (and the live stream reaches them), the failure details list a failed scene
// whose card is not loaded and "Edit prompt" brings it, and "Find a scene" finds any sentence and
// jumps to its card.
import assert from "node:assert/strict";
import { createProject } from "../../core/domain/projects.ts";
import { browserSuite } from "./harness.ts";
import { loadAllCards, openStoryboard, startStudio } from "./storyboard_env.ts";
import { setPart } from "../helpers/parts.ts";

const suite = await browserSuite();
const SECTIONS = 6;
const PER_SECTION = 40;
const N = SECTIONS * PER_SECTION;

suite.test("storyboard in chunks: on-demand cards, live updates, failure details, scene search", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_chunks", { imageMs: 100, videoMs: 100 });
  cleanup(() => studio.close(page));
  const script = Array.from({ length: SECTIONS }, (_, s) =>
    `# Part ${s + 1}\n` +
    Array.from({ length: PER_SECTION }, (_, i) => `Keeper line ${s * PER_SECTION + i + 1} of the tower.`).join(" "))
    .join("\n");
  const { id } = await createProject(studio.db.sql, { title: "Chunks", script });
  const ids = (await studio.db.sql<{ id: number }[]>`
    select s.id from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${id} order by sec.position, s.position`).map((r) => r.id);
  const last = ids[N - 1];
  await setPart(studio.db.sql, last, "image", { status: "failed", error: "The GPU ran out of memory." });

  await openStoryboard(page, `${studio.base}/projects/${id}`);
  const rendered = await page.locator(".scene-card").count();
  assert.ok(rendered < N / 2, `only the first chunks are rendered (${rendered})`);
  assert.ok(await page.locator("[data-chunk-src]").count() > 0);
  assert.equal(await page.locator(`#sentence-${last}`).count(), 0);
  // The streamed page's forms carry the request's CSRF token (rendered after the handler returned).
  const csrf = await page.locator("form input[name=_csrf]").evaluateAll((inputs) =>
    inputs.map((i) => (i as HTMLInputElement).value)
  );
  assert.ok(csrf.length > 0 && csrf.every((v) => v.length > 10), "every form has its CSRF token");

  // The toolbar and the failure details know the failed scene without its card.
  const failed = page.locator("[data-testid=failed-details]");
  assert.equal(await failed.innerText(), "1 failed — details");
  await failed.click();
  const dialog = page.locator("[data-testid=failed-dialog]");
  await dialog.waitFor();
  const item = dialog.locator(".failed-item");
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), new RegExp(`Scene ${N}[\\s\\S]*Keeper line ${N} of the tower`));
  assert.match(await item.innerText(), /The GPU ran out of memory\./);
  await item.getByText("Edit prompt").click();
  // Its card is loaded (its section first), shown and its prompt field focused.
  await page.locator(`#sentence-${last}`).waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute("name") === "imagePrompt");
  assert.equal(await page.locator(`#sentence-${last} [data-part=image]`).getAttribute("data-status"), "failed");
  await screenshot("chunks-failed-scene-loaded");

  // Find a scene: a sentence far down the storyboard.
  const wanted = ids[130];
  assert.equal(await page.locator(`#sentence-${wanted}`).count(), 0);
  await page.locator("[data-testid=scene-search]").fill("line 131 of");
  await page.locator("[data-testid=scene-search]").press("Enter");
  await page.locator(`#sentence-${wanted}`).waitFor();
  await page.waitForFunction((id) => document.activeElement?.id === `sentence-${id}`, wanted);
  assert.match(await page.locator("[data-testid=search-results]").innerText(), /1 scene says “line 131 of”/);
  await screenshot("chunks-search-found");
  // Several matches: a list of links, each to its scene.
  await page.locator("[data-testid=scene-search]").fill("line 24");
  await page.locator("[data-testid=scene-search]").press("Enter");
  await page.getByText("2 scenes say “line 24”.").waitFor();
  const results = page.locator("[data-testid=search-results] a");
  assert.deepEqual(await results.allInnerTexts(), [
    "Scene 24: Keeper line 24 of the tower.",
    "Scene 240: Keeper line 240 of the tower.",
  ]);
  await results.nth(0).click();
  await page.waitForFunction((id) => document.activeElement?.id === `sentence-${id}`, ids[23]);

  // Live: a scene whose card was loaded on demand follows the stream.
  const res = await studio.api("POST", `/api/v1/sentences/${wanted}/regenerate`, { parts: ["image"] });
  assert.equal(res.status, 202);
  await page.waitForSelector(`#sentence-${wanted} [data-part=image][data-status=done]`, { timeout: 60_000 });

  // Scrolling brings every other card.
  await loadAllCards(page);
  assert.equal(await page.locator(".scene-card").count(), N);
  // (textContent: cards off screen are skipped by content-visibility, so they have no innerText.)
  const numbers = await page.locator(".scene-card .scene-number").allTextContents();
  assert.deepEqual(numbers, Array.from({ length: N }, (_, i) => `Scene ${i + 1}`));
}, { timeoutMs: 180_000, actionTimeoutMs: 30_000 });
