// Failures in real Chromium against a real server and worker: a run with `[fail]` prompts ends
// with a toast naming the failures; the details dialog lists them with their messages and is
// keyboard operable; the prompts are fixed (with the card's no-JavaScript form, and through the
// API), retried one and then all, and every scene ends done.
import assert from "node:assert/strict";
import { browserSuite } from "./harness.ts";
import { dbStatuses, openStoryboard, pageStatuses, startStudio, waitForStream } from "./storyboard_env.ts";

const suite = await browserSuite();

suite.test("failed scenes: toast, details dialog, fix the prompt, retry one, retry all", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_failures", { imageMs: 150, videoMs: 200 });
  cleanup(() => studio.close(page));
  const project = await studio.project(5, "Failures");
  const [, second, , fourth] = project.sentenceIds;
  for (const id of [second, fourth]) {
    const res = await studio.api("PATCH", `/api/v1/sentences/${id}`, { imagePrompt: "[fail] A lighthouse at night" });
    assert.equal(res.status, 200);
  }
  await openStoryboard(page, project.url);
  await page.click("[data-testid=generate]");

  // The toast names the failures and offers the details.
  const toast = page.locator("[data-testid=toast]");
  await toast.waitFor({ timeout: 60_000 });
  assert.equal(await toast.locator(".toast-text").innerText(), "3 generated, 2 failed");
  const details = toast.locator("[data-testid=toast-details]");
  assert.ok(await details.isVisible());
  await page.waitForSelector(`#sentence-${second} [data-part=image][data-status=failed]`);
  assert.match(
    await page.locator(`#sentence-${second} [data-part-error=image]`).innerText(),
    /^Image failed: .*\[fail\] marker/,
  );
  await screenshot("storyboard-failures-1-toast");

  // The dialog: focus moves in, proper labels, the failures with their messages.
  await details.click();
  const dialog = page.locator("dialog[data-testid=failed-dialog]");
  await page.waitForSelector("dialog[data-testid=failed-dialog][open]");
  assert.ok(await page.evaluate(() => document.querySelector("dialog[open]")?.contains(document.activeElement)));
  const labelledBy = await dialog.getAttribute("aria-labelledby");
  assert.equal(await page.locator(`#${labelledBy}`).innerText(), "2 scenes failed");
  assert.ok(await dialog.getAttribute("aria-describedby"));
  const items = dialog.locator(".failed-item");
  assert.equal(await items.count(), 2);
  assert.deepEqual(await items.locator(".scene-number").allInnerTexts(), ["Scene 2", "Scene 4"]);
  assert.match(await items.nth(0).locator(".failed-text").innerText(), /Scene 2 shows the lighthouse/);
  assert.equal(await items.nth(0).locator(".badge").innerText(), "Image");
  assert.match(await items.nth(0).locator(".part-error").innerText(), /\[fail\] marker/);
  await screenshot("storyboard-failures-2-dialog");

  // Esc closes it and focus returns to the button that opened it.
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[data-testid=failed-dialog]:not([open])", { state: "attached" });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "toast-details");
  // The keyboard opens it again.
  await page.keyboard.press("Enter");
  await page.waitForSelector("dialog[data-testid=failed-dialog][open]");
  assert.ok(await page.evaluate(() => document.querySelector("dialog[open]")?.contains(document.activeElement)));

  // "Edit prompt" leads to the card's form, focused; the no-JavaScript form saves the fix.
  await items.nth(0).locator("a", { hasText: "Edit prompt" }).click();
  await page.waitForSelector("dialog[data-testid=failed-dialog]:not([open])", { state: "attached" });
  const field = page.locator(`#sentence-${second} textarea[name=imagePrompt]`);
  assert.ok(await field.evaluate((el) => el === document.activeElement));
  await field.fill("Scene 2: the lighthouse at night, fixed.");
  await Promise.all([
    page.waitForURL(`${project.url}?sentence=${second}#sentence-${second}`),
    page.locator(`#sentence-${second} .prompt-form button[type=submit]`).click(),
  ]);
  await page.waitForSelector("html[data-islands-ready]");
  await waitForStream(page);
  assert.equal(
    await page.locator(`#sentence-${second} .image-prompt`).innerText(),
    "Scene 2: the lighthouse at night, fixed.",
  );

  // After the reload the toolbar still offers the details; retry the fixed scene alone.
  const failedButton = page.locator("[data-testid=failed-details]");
  assert.equal(await failedButton.innerText(), "2 failed — details");
  await failedButton.click();
  await page.waitForSelector("dialog[data-testid=failed-dialog][open]");
  const retrySecond = dialog.locator(`.failed-item[data-sentence-id="${second}"] [data-testid=retry-one]`);
  await retrySecond.click();
  // The item stays listed with its new state; the other one still offers a retry.
  await page.waitForSelector(
    `dialog[open] .failed-item[data-sentence-id="${second}"] [data-testid=retry-one][data-status=done]`,
    { timeout: 60_000 },
  );
  assert.equal(
    await dialog.locator(`.failed-item[data-sentence-id="${fourth}"] [data-testid=retry-one]`).innerText(),
    "Retry",
  );
  assert.equal(await dialog.locator("[data-testid=retry-all]").innerText(), "Retry failed (1)");
  await screenshot("storyboard-failures-3-retried-one");

  // Fix the other one through the API, then "Retry failed": the dialog closes, everything ends done.
  assert.equal(
    (await studio.api("PATCH", `/api/v1/sentences/${fourth}`, { imagePrompt: "Scene 4, fixed." })).status,
    200,
  );
  await page.waitForFunction(() =>
    document.querySelectorAll(".scene-card [data-part=video][data-status=done]").length === 4
  );
  await dialog.locator("[data-testid=retry-all]").click();
  await page.waitForSelector("dialog[data-testid=failed-dialog]:not([open])", { state: "attached" });
  assert.ok(await page.evaluate(() => document.activeElement?.closest(".bulk-toolbar") !== null));
  await page.waitForFunction(
    () => document.querySelectorAll(".scene-card [data-part=video][data-status=done]").length === 5,
    undefined,
    {
      timeout: 60_000,
    },
  );
  await page.locator("[data-testid=toast]", { hasText: "1 scene generated" }).waitFor();
  assert.equal(await page.locator("[data-testid=failed-details]").count(), 0);
  assert.deepEqual(await pageStatuses(page), await dbStatuses(studio.db, project.id));
  for (const s of await pageStatuses(page)) assert.deepEqual([s.image, s.video], ["done", "done"]);
  await screenshot("storyboard-failures-4-all-done");

  // Dismissing the toast with the keyboard keeps the focus in the toolbar (not on the page).
  await page.waitForSelector("[data-testid=hint]"); // the run's progress has settled
  await page.focus("[data-testid=toast] .toast-close");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-testid=toast]", { state: "detached" });
  await page.waitForFunction(() => document.activeElement?.closest(".bulk-toolbar") != null, undefined, {
    timeout: 3000,
  });
}, { timeoutMs: 180_000, actionTimeoutMs: 30_000 });
