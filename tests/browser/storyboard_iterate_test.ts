// Iterating on scenes in real Chromium against a real server and worker: a prompt edit shows
// "Prompt changed" (here and, live, in another tab), Regenerate makes a new take, an earlier take
// is picked (saved; the other tab follows), the card's download and the project's zip hold the
// current takes, the viewer works from the keyboard, and a card says what a part waits for (the
// images first, a retry counting down) and retries its own failed part.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { unzipSync } from "fflate";
import { mediaPath } from "../../media/store.ts";
import { waitForRunEnd } from "../helpers/worker.ts";
import { browserSuite } from "./harness.ts";
import { openStoryboard, recordSeen, seen, startStudio, type Studio, waitForStream } from "./storyboard_env.ts";

const suite = await browserSuite();

/** A project of `n` scenes with every image and clip made. */
async function generated(studio: Studio, n: number, title: string) {
  const project = await studio.project(n, title);
  assert.equal((await studio.api("POST", `/api/v1/projects/${project.id}/generate-scenes`)).status, 202);
  assert.equal(await waitForRunEnd(studio.db.sql, project.id, 60_000), "completed");
  return project;
}

/** The media file behind a /media/ URL. */
function fileOf(studio: Studio, url: string): Promise<Uint8Array> {
  return Deno.readFile(mediaPath(studio.config.dataDir, decodeURIComponent(url.replace(/^\/media\//, ""))));
}

const imageSrc = (page: Page, id: number) =>
  page.locator(`#sentence-${id} .scene-part--image .media-open`).getAttribute("href");

suite.test(
  "prompt edit → 'Prompt changed' → Regenerate → a new take; an earlier take picked; downloads",
  async (ctx) => {
    const { page, context, screenshot, cleanup, pageErrors } = ctx;
    const studio = await startStudio("sb_iterate", { imageMs: 150, videoMs: 200 });
    const other = await context.newPage(); // a second tab on the same storyboard
    other.on("pageerror", (e) => pageErrors.push(`other tab: ${e}`));
    cleanup(() => studio.close(page));
    cleanup(() => other.goto("about:blank").catch(() => {}));
    const project = await generated(studio, 3, "Iterate");
    const [id] = project.sentenceIds;
    await openStoryboard(page, project.url);
    await openStoryboard(other, project.url);
    const card = page.locator(`#sentence-${id}`);
    assert.equal(await page.locator("[data-testid=generate]").innerText(), "All scenes generated");
    assert.equal(await card.locator("[data-testid=outdated]").count(), 0);
    const firstImage = await imageSrc(page, id);

    // Edit the image prompt with the card's form.
    await card.locator("details.scene-edit > summary").click();
    await card.locator("textarea[name=imagePrompt]").fill("A red lighthouse at dawn");
    await Promise.all([
      page.waitForURL(`${project.url}?sentence=${id}#sentence-${id}`),
      card.locator(".prompt-form button[type=submit]").click(),
    ]);
    await page.waitForSelector("html[data-islands-ready]");
    await waitForStream(page);
    assert.equal(await card.locator(".scene-part--image [data-testid=outdated]").innerText(), "Prompt changed");
    assert.equal(
      await card.locator(".scene-part--video [data-testid=outdated]").count(),
      0,
      "the clip still fits its image",
    );
    assert.equal(await page.locator("[data-testid=generate]").innerText(), "Regenerate changed (1)");
    // The other tab follows live: the new prompt and the badge, without a reload.
    await other.locator(`#sentence-${id} .image-prompt`, { hasText: "A red lighthouse at dawn" }).waitFor();
    assert.equal(
      await other.locator(`#sentence-${id} .scene-part--image [data-testid=outdated]`).innerText(),
      "Prompt changed",
    );
    await other.locator("[data-testid=generate]", { hasText: "Regenerate changed (1)" }).waitFor();
    await screenshot("iterate-1-prompt-changed");

    // Regenerate the image and its clip from the card's menu.
    await card.locator("[data-testid=regenerate]").click();
    await card.locator(".menu-items button[data-parts='image video']").click();
    await page.waitForFunction(
      (id) => {
        const parts = [...document.querySelectorAll<HTMLElement>(`#sentence-${id} .scene-part`)];
        return parts.length === 2 &&
          parts.every((p) =>
            p.dataset.status === "done" && !p.querySelector("[data-testid=outdated]") &&
            p.querySelector("[data-testid^=takes-]")?.textContent === "2 takes"
          );
      },
      id,
      { timeout: 30_000 },
    );
    const newImage = await imageSrc(page, id);
    assert.notEqual(newImage, firstImage);
    await page.locator("[data-testid=generate]", { hasText: "All scenes generated" }).waitFor();
    await other.waitForFunction(
      ([id, src]) =>
        document.querySelector(`#sentence-${id} .scene-part--image .media-open`)?.getAttribute("href") === src,
      [id, newImage] as const,
    );
    await screenshot("iterate-2-regenerated");

    // The takes: the new one shown, the first one picked again (saved; the other tab follows).
    const takesButton = card.locator("[data-testid=takes-image]");
    await takesButton.click();
    const dialog = page.locator("dialog[data-testid=takes-dialog][open]");
    await dialog.locator(".take").nth(1).waitFor();
    const takes = dialog.locator(".take");
    assert.equal(await takes.count(), 2);
    assert.match(
      await takes.nth(0).innerText(),
      /Take 2[\s\S]*seed \d+[\s\S]*A red lighthouse at dawn[\s\S]*Shown now/,
    );
    assert.match(await takes.nth(1).innerText(), /Take 1[\s\S]*seed \d+[\s\S]*Scene 1 shows the lighthouse at night\./);
    await screenshot("iterate-3-takes");
    await takes.nth(1).locator("[data-testid=pick-take]").click();
    await dialog.locator(".take-shown", { hasText: "Take 1" }).waitFor();
    assert.equal(await imageSrc(page, id), firstImage);
    assert.equal(await card.locator(".scene-part--image [data-testid=outdated]").innerText(), "Prompt changed");
    const [{ prompt }] = await studio.db.sql<{ prompt: string }[]>`
    select t.prompt from scene_parts sp join takes t on t.id = sp.take_id where sp.sentence_id = ${id} and sp.kind = 'image'`;
    assert.equal(prompt, "Scene 1 shows the lighthouse at night.", "the pick is saved");
    await other.waitForFunction(
      ([id, src]) =>
        document.querySelector(`#sentence-${id} .scene-part--image .media-open`)?.getAttribute("href") === src,
      [id, firstImage] as const,
    );
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog[data-testid=takes-dialog]:not([open])", { state: "attached" });
    assert.ok(await takesButton.evaluate((el) => el === document.activeElement), "focus is back on '2 takes'");

    // The card's download: the current take, named by scene number.
    const [still] = await Promise.all([
      page.waitForEvent("download"),
      card.locator("[data-testid=download-image]").click(),
    ]);
    assert.equal(still.suggestedFilename(), "scene-001-image.png");
    assert.deepEqual(await Deno.readFile((await still.path())!), await fileOf(studio, firstImage!));

    // The project's zip: every current take, named by scene number.
    const [zip] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=download-all]")]);
    assert.equal(zip.suggestedFilename(), "iterate-media.zip");
    const files = unzipSync(await Deno.readFile((await zip.path())!));
    assert.deepEqual(
      Object.keys(files).sort(),
      [1, 2, 3].flatMap((n) => [`scene-00${n}-image.png`, `scene-00${n}-video.mp4`]),
    );
    assert.deepEqual(files["scene-001-image.png"], await fileOf(studio, firstImage!));
    const clip = await card.locator("[data-testid=download-video]").getAttribute("href");
    assert.deepEqual(files["scene-001-video.mp4"], await fileOf(studio, clip!));
  },
  { timeoutMs: 180_000, actionTimeoutMs: 30_000 },
);

suite.test("viewer by keyboard: Enter opens, arrows move between scenes, Esc closes, focus returns", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_viewer", { imageMs: 50, videoMs: 50 });
  cleanup(() => studio.close(page));
  const project = await generated(studio, 3, "Viewer");
  const ids = project.sentenceIds;
  await openStoryboard(page, project.url);
  const viewer = page.locator("dialog[data-testid=viewer]");
  const shown = async () => {
    const media = viewer.locator(".viewer-media");
    return [Number(await media.getAttribute("data-sentence-id")), await media.getAttribute("data-part")];
  };

  const thumbnail = page.locator(`#sentence-${ids[0]} .scene-part--image .media-open`);
  await thumbnail.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("dialog[data-testid=viewer][open]");
  assert.deepEqual(await shown(), [ids[0], "image"]);
  assert.equal(await viewer.locator("h2").innerText(), "Scene 1 · Image");
  // The full image, not the card's thumbnail.
  assert.equal(await viewer.locator(".viewer-media img").getAttribute("src"), await thumbnail.getAttribute("href"));
  assert.ok(await viewer.evaluate((d) => d.contains(document.activeElement)), "focus is in the dialog");

  await page.keyboard.press("ArrowRight");
  await viewer.locator("h2", { hasText: "Scene 2 · Image" }).waitFor();
  await page.keyboard.press("ArrowRight");
  await viewer.locator("h2", { hasText: "Scene 3 · Image" }).waitFor();
  await page.keyboard.press("ArrowRight"); // the last scene: nowhere further
  assert.deepEqual(await shown(), [ids[2], "image"]);
  await page.keyboard.press("ArrowLeft");
  await viewer.locator("h2", { hasText: "Scene 2 · Image" }).waitFor();

  // The clip: its poster and only its metadata loaded until played.
  await viewer.locator(".viewer-switch button", { hasText: "Video" }).click();
  const video = viewer.locator(".viewer-media video");
  await video.waitFor();
  assert.equal(await video.getAttribute("preload"), "metadata");
  assert.ok(await video.getAttribute("poster"), "the clip has a poster");
  assert.equal(
    await video.getAttribute("src"),
    await page.locator(`#sentence-${ids[1]} .scene-part--video .media-open`).getAttribute("href"),
  );
  await screenshot("viewer-video");
  await viewer.locator("[data-testid=viewer-next]").focus();
  await page.keyboard.press("ArrowLeft");
  await viewer.locator("h2", { hasText: "Scene 1 · Video" }).waitFor();

  // Esc: closed, and the focus is on the thumbnail of the scene shown last.
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[data-testid=viewer]:not([open])", { state: "attached" });
  assert.ok(
    await page.locator(`#sentence-${ids[0]} .scene-part--video .media-open`).evaluate((el) =>
      el === document.activeElement
    ),
  );
  // Opened and closed without moving: back on the thumbnail that opened it.
  const third = page.locator(`#sentence-${ids[2]} .scene-part--image .media-open`);
  await third.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("dialog[data-testid=viewer][open]");
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog[data-testid=viewer]:not([open])", { state: "attached" });
  assert.ok(await third.evaluate((el) => el === document.activeElement));
}, { timeoutMs: 120_000, actionTimeoutMs: 20_000 });

suite.test("what a part waits for: the images first, a retry counting down; a card's own Retry", async (ctx) => {
  const { page, screenshot, cleanup } = ctx;
  const studio = await startStudio("sb_phases", {
    imageMs: 300,
    videoMs: 200,
    // One GPU server's order (all images, then the videos), and a retry a few seconds away.
    env: { SCENE_ORDER: "images-first", RETRY_BACKOFF_MS: "4000" },
  });
  cleanup(() => studio.close(page));
  const project = await studio.project(3, "Phases");
  const [, second, third] = project.sentenceIds;
  await studio.api("PATCH", `/api/v1/sentences/${second}`, { imagePrompt: "[flaky] Scene 2 at night." });
  await studio.api("PATCH", `/api/v1/sentences/${third}`, { videoPrompt: "[fail] Slow push-in." });
  await openStoryboard(page, project.url);
  await recordSeen(page, {
    held:
      `[...document.querySelectorAll(".scene-part--video .badge")].some((b) => b.textContent === "Waiting for the images")`,
    retryNote:
      `/^Image: Attempt 1 failed: The simulated provider failed this first attempt on purpose .*, retrying in [1-3] s$/.test(document.querySelector("#sentence-${second} [data-part-note=image]")?.textContent ?? "")`,
  });
  await page.evaluate((id) => {
    const w = window as unknown as { __notes: string[] };
    w.__notes = [];
    new MutationObserver(() => {
      const text = document.querySelector(`#sentence-${id} [data-part-note=image]`)?.textContent;
      if (text && w.__notes.at(-1) !== text) w.__notes.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, second);
  await page.click("[data-testid=generate]");
  await page.locator(`#sentence-${second} [data-part-note=image]`).waitFor();
  await screenshot("phases-1-retrying");
  const failed = page.locator(`#sentence-${third} [data-part-error=video]`);
  await failed.waitFor({ timeout: 60_000 });
  assert.match(await failed.innerText(), /^Video failed: .*\[fail\].* Retry$/s);
  assert.deepEqual(await seen(page), { held: true, retryNote: true });
  // The note counted down, a second at a time (ticks of a loaded machine may skip one).
  const notes = await page.evaluate(() => (window as unknown as { __notes: string[] }).__notes);
  const seconds = notes.map((n) => Number(/retrying in (\d) s$/.exec(n)?.[1])).filter((n) => n > 0);
  assert.ok(seconds.length >= 2, JSON.stringify(notes));
  for (let i = 1; i < seconds.length; i++) assert.ok(seconds[i] < seconds[i - 1], JSON.stringify(notes));
  assert.equal(await page.locator(`#sentence-${second} .scene-part--image`).getAttribute("data-status"), "done");
  // Fix the prompt, then the card's own Retry makes just that clip.
  await studio.api("PATCH", `/api/v1/sentences/${third}`, { videoPrompt: "Slow push-in." });
  await page.locator("[data-testid=toast]").waitFor();
  await page.locator("[data-testid=toast] .toast-close").click();
  await failed.locator("[data-testid=card-retry]").click();
  await page.waitForFunction(
    (id) => document.querySelector(`#sentence-${id} .scene-part--video`)?.getAttribute("data-status") === "done",
    third,
  );
  assert.equal(await failed.count(), 0);
  await page.locator("[data-testid=toast]", { hasText: "1 scene generated" }).waitFor();
  await screenshot("phases-2-retried");
}, { timeoutMs: 120_000, actionTimeoutMs: 30_000 });
