// Narration and export in real Chromium against a real server and worker (simulated providers):
// "Generate section audio" narrates a section live, the card plays its narration and lights the
// word being heard, and "Export video" renders with live progress and offers the downloads.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { browserSuite } from "./harness.ts";
import { openStoryboard, startStudio } from "./storyboard_env.ts";
import { makeSectionedProject } from "../helpers/narration.ts";

const suite = await browserSuite();

suite.test("narrate a section, play it with words lit, export the video and download it", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_narration", { imageMs: 50, videoMs: 50, env: { SIMULATED_AUDIO_MS: "400" } });
  cleanup(() => studio.close(page));
  const { projectId, sentenceIds } = await makeSectionedProject(studio.db.sql, 2, 3);
  await openStoryboard(page, `${studio.base}/projects/${projectId}`);
  const notice = page.locator("[data-notice=audio]");
  assert.match(await notice.innerText(), /^6 scenes have no narration audio yet/);
  const card = (id: number) => page.locator(`#sentence-${id}`);

  // Section 1's narration, read in one go: its three cards get a player; section 2's do not.
  const section = page.locator(".storyboard-section").first();
  await section.getByRole("button", { name: "Generate section audio" }).click();
  await section.getByRole("button", { name: /Narrating… \(\d left\)/ }).waitFor();
  for (const id of sentenceIds[0]) await card(id).locator("audio").waitFor({ timeout: 20_000 });
  assert.equal(await card(sentenceIds[1][0]).locator("audio").count(), 0);
  assert.match(await notice.innerText(), /^3 scenes have no narration audio yet/, "the notice counts down live");
  await screenshot("narration-1-section-done");

  // The card plays it and lights each word as it is heard.
  const first = card(sentenceIds[0][0]);
  await first.locator("audio").evaluate((el: HTMLAudioElement) => el.play());
  await first.locator(".word.spoken").first().waitFor({ timeout: 5000 });
  const lit: string[] = [];
  for (let i = 0; i < 40 && lit.length < 3; i++) {
    const word = await first.locator(".word.spoken").textContent().catch(() => null);
    if (word && word !== lit.at(-1)) lit.push(word);
    await page.waitForTimeout(50);
  }
  assert.ok(lit.length >= 2, `words lit in turn: ${lit.join(", ")}`);
  assert.deepEqual(lit, "The keeper climbs stair 1".split(" ").slice(0, lit.length), "in reading order");
  assert.ok(await first.locator("audio").evaluate((el: HTMLAudioElement) => el.currentTime > 0), "it plays");
  await first.locator("audio").evaluate((el: HTMLAudioElement) => el.pause());

  // A refused upload says why, on the card.
  await card(sentenceIds[1][0]).locator("input[type=file]").setInputFiles({
    name: "notes.mp3",
    mimeType: "audio/mpeg",
    buffer: Buffer.from("These are my notes, not a recording.\n".repeat(10)),
  });
  assert.match(await card(sentenceIds[1][0]).getByRole("alert").innerText(), /This is not an audio recording/);

  // The whole project's pictures, then the export with its live progress and downloads.
  assert.equal((await studio.api("POST", `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
  await page.waitForFunction(() => document.querySelectorAll(".scene-part--video .media-open").length === 6, null, {
    timeout: 30_000,
  });
  const panel = page.locator(".export-panel");
  await panel.getByLabel("Burn in captions").check();
  await panel.getByRole("button", { name: "Export video" }).click();
  await panel.locator(".export-progress").waitFor();
  await screenshot("narration-2-exporting");
  const done = panel.locator("[data-export-status=done]");
  await done.waitFor({ timeout: 60_000 });
  await screenshot("narration-3-exported");
  const href = await done.getByRole("link", { name: "MP4" }).getAttribute("href");
  assert.match(href!, /^\/media\/projects\/\d+\/exports\/export-\d+-.+\.mp4\?download$/);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    done.getByRole("link", { name: "MP4" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^export-\d+-.+\.mp4$/);
  for (const name of ["SRT", "VTT"]) assert.equal(await done.getByRole("link", { name }).count(), 1);
  assert.equal(await panel.locator(".export-progress").count(), 0, "no progress once done");
  // The refused upload's 415 is the browser's only complaint.
  assert.deepEqual(ctx.pageErrors.filter((e) => !/status of 415/.test(e)), []);
}, { timeoutMs: 120_000, allowPageErrors: true });
