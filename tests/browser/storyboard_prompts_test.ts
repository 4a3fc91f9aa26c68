// "Write prompts" in real Chromium against a real server and worker, with the openai prompt writer
// talking to a fake OpenAI-compatible chat server: the header button shows the job's progress, the
// cards' video prompts appear live batch by batch, and the button says when it is done.
import assert from "node:assert/strict";
import { browserSuite } from "./harness.ts";
import { openStoryboard, startStudio } from "./storyboard_env.ts";
import { startFakeChatServer } from "../fakes/openai_chat.ts";

const suite = await browserSuite();
const N = 4;

suite.test("Write prompts: progress in the header, prompts on the cards live, then done", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const fake = startFakeChatServer();
  cleanup(() => fake.close());
  const studio = await startStudio("sb_prompts", {
    env: { PROMPT_PROVIDER: "openai", PROMPT_API_URL: fake.url, PROMPT_MODEL: "fake-llm", PROMPT_BATCH_SIZE: "2" },
  });
  cleanup(() => studio.close(page));
  const project = await studio.project(N, "Prompts");
  await openStoryboard(page, project.url);
  const header = page.locator("[data-prompts=project] button").first();
  assert.equal(await header.innerText(), "Write prompts");
  assert.equal(await page.locator("[data-prompts^='section:'] button").count(), 1, "one per section");
  assert.equal(await page.locator(".video-prompt-written").count(), 0);
  await screenshot("prompts-1-before");

  // The second batch waits at the chat server, so the page can be seen halfway.
  const first = fake.hold();
  const second = fake.hold();
  await header.click();
  (await first.arrived, first.release());
  await second.arrived;
  await page.waitForFunction(() =>
    document.querySelector("[data-prompts=project] button")?.textContent === "Writing prompts… (2/4)"
  );
  await page.waitForFunction(() => document.querySelectorAll(".video-prompt-written").length === 2);
  assert.equal(await page.locator("[data-prompts=project] .link-button").innerText(), "Cancel");
  assert.equal(
    await page.locator("[data-prompts^='section:'] button").getAttribute("aria-disabled"),
    "true",
    "the section's button waits while a job runs",
  );
  await screenshot("prompts-2-halfway");
  second.release();

  const note = page.locator("[data-prompts=project] [role=status]");
  await note.waitFor();
  assert.equal(await note.innerText(), `Prompts written for ${N} scenes.`);
  assert.equal(await header.innerText(), "Write prompts");
  assert.deepEqual(
    await page.locator(".video-prompt-written").allInnerTexts(),
    Array.from({ length: N }, (_, i) => `Camera pushes in slowly on scene ${i + 1}.`),
  );
  // No video prompt is missing any more: the notice about them counted down to nothing.
  assert.equal(await page.locator("[data-notice=video-prompts]").count(), 0);
  await screenshot("prompts-3-done");

  // The image prompts are the writer's too (the card shows them from the server after a reload).
  await openStoryboard(page, project.url);
  assert.deepEqual(
    await page.locator(".image-prompt").allInnerTexts(),
    Array.from({ length: N }, (_, i) => `Image ${i + 1}: Scene ${i + 1} shows the lighthouse at night.`),
  );
  assert.equal(await page.locator("[data-prompts=project] [role=status]").count(), 0, "an old job's end is not news");
}, { timeoutMs: 120_000, actionTimeoutMs: 20_000 });

suite.test("Write prompts on one card: that scene's prompts only, written live", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const fake = startFakeChatServer();
  cleanup(() => fake.close());
  const studio = await startStudio("sb_prompts_card", {
    env: { PROMPT_PROVIDER: "openai", PROMPT_API_URL: fake.url, PROMPT_MODEL: "fake-llm" },
  });
  cleanup(() => studio.close(page));
  const project = await studio.project(3, "Card prompts");
  await openStoryboard(page, project.url);
  const card = page.locator("article.scene-card").nth(1);
  const hold = fake.hold();
  await card.locator("[data-testid=regenerate]").click();
  await card.locator("[data-testid=card-write-prompts]").click();
  await hold.arrived;
  await card.locator("[data-testid=card-writing-prompts]").waitFor();
  assert.equal(
    await page.locator("[data-prompts=project] button").first().getAttribute("aria-disabled"),
    "true",
    "the header's button waits while the card's job runs",
  );
  hold.release();
  await card.locator(".video-prompt-written").waitFor();
  assert.equal(await card.locator(".video-prompt-written").innerText(), "Camera pushes in slowly on scene 2.");
  await card.locator("[data-testid=card-writing-prompts]").waitFor({ state: "detached" });
  assert.equal(await page.locator(".video-prompt-written").count(), 1, "the other scenes keep their prompts");
  await screenshot("prompts-4-card");
}, { timeoutMs: 120_000, actionTimeoutMs: 20_000 });
