// Editing the script in real Chromium while a run is going: a scene's text edited (another tab
// follows live), a scene deleted and one inserted (another tab is offered a reload), and the run
// ends with the page and the database in agreement. Deleting a project asks for a confirmation in
// the page, then cancels its run and removes its media files.
import assert from "node:assert/strict";
import { mediaPath } from "../../media/store.ts";
import { waitFor, waitForRunEnd } from "../helpers/worker.ts";
import { browserSuite } from "./harness.ts";
import { dbStatuses, openStoryboard, pageStatuses, startStudio, waitForStream } from "./storyboard_env.ts";

const suite = await browserSuite();

suite.test("edits during a run: text, delete, insert — safe, and other tabs hear of them", async (ctx) => {
  const { page, context, screenshot, cleanup, pageErrors } = ctx;
  const studio = await startStudio("sb_edit_run", { imageMs: 1500, videoMs: 300 });
  const other = await context.newPage();
  other.on("pageerror", (e) => pageErrors.push(`other tab: ${e}`));
  cleanup(() => studio.close(page));
  cleanup(() => other.goto("about:blank").catch(() => {}));
  const project = await studio.project(6, "Edit during a run");
  const ids = project.sentenceIds;
  // The last images are slow (×10, 15 s each): the run is surely still going while the edits are made.
  for (const id of ids.slice(4)) {
    await studio.api("PATCH", `/api/v1/sentences/${id}`, { imagePrompt: "[slow] The lighthouse at night" });
  }
  await openStoryboard(page, project.url);
  await openStoryboard(other, project.url);
  await page.click("[data-testid=generate]");
  await page.waitForFunction(() => document.querySelectorAll(".scene-part--image[data-status=done]").length >= 1);

  /**
   * Submits a scene's form — the card's own "Edit scene" form, or one of its page's (split, insert,
   * move, merge, delete) — and waits for the storyboard to be back.
   */
  const submit = async (id: number, form: string, fill?: [string, string]) => {
    let scope = page.locator(`#sentence-${id}`);
    if (form === ".prompt-form") await scope.locator("details.scene-edit > summary").click();
    else {
      await scope.locator("details.scene-edit > summary").click();
      await Promise.all([page.waitForNavigation(), scope.locator("a.more-edits").click()]);
      scope = page.locator(".scene-edit-page");
    }
    if (fill) await scope.locator(`${form} ${fill[0]}`).fill(fill[1]);
    await Promise.all([
      page.waitForURL(/\/projects\/\d+\?(sentence|section)=\d+#/),
      scope.locator(`${form} button[type=submit]`).click(),
    ]);
    await page.waitForSelector("html[data-islands-ready]");
    await waitForStream(page);
  };

  // The text of scene 2 (its image prompt follows, as it is still the imported text).
  await submit(ids[1], ".prompt-form", ["textarea[name=text]", "The keeper climbs the stairs."]);
  assert.match(await page.locator("[data-testid=generate]").innerText(), /^Generating\.\.\. \(\d+\/6\)$/);
  assert.equal(await page.locator(`#sentence-${ids[1]} .narration`).innerText(), "The keeper climbs the stairs.");
  // The other tab shows the new words at once, without a reload.
  await other.locator(`#sentence-${ids[1]} .narration`, { hasText: "The keeper climbs the stairs." }).waitFor();
  await other.locator(`#sentence-${ids[1]} .image-prompt`, { hasText: "The keeper climbs the stairs." }).waitFor();
  assert.equal(await other.locator("[data-testid=reload-notice]").count(), 0, "words are not a reason to reload");

  // Delete scene 4 and insert a scene after scene 1, mid-run.
  await submit(ids[3], "form[action$='/delete']");
  assert.equal(await page.locator(".scene-card").count(), 5);
  await submit(ids[0], "form[action^='/sections/']", ["textarea[name=text]", "A gull lands on the rail."]);
  assert.deepEqual(
    await page.locator(".scene-card .narration").allInnerTexts(),
    [
      "Scene 1 shows the lighthouse at night.",
      "A gull lands on the rail.",
      "The keeper climbs the stairs.",
      "Scene 3 shows the lighthouse at night.",
      "Scene 5 shows the lighthouse at night.",
      "Scene 6 shows the lighthouse at night.",
    ],
  );
  assert.deepEqual(
    await page.locator(".scene-card .scene-number").allInnerTexts(),
    [1, 2, 3, 4, 5, 6].map((n) => `Scene ${n}`),
  );
  const [run] = await studio.db.sql`select status from scene_runs where project_id = ${project.id}`;
  assert.equal(run.status, "active", "the edits were made during the run");
  // The other tab is told its page is out of date and offered a reload.
  const notice = other.locator("[data-testid=reload-notice]");
  await notice.waitFor();
  assert.match(await notice.innerText(), /Scenes or sections were changed in another tab or window\./);
  await screenshot("editing-1-during-run");

  // The run ends; what it made is on the page as in the database.
  const toast = page.locator("[data-testid=toast]");
  await toast.waitFor({ timeout: 60_000 });
  assert.equal(await toast.locator(".toast-text").innerText(), "5 scenes generated");
  assert.deepEqual(await pageStatuses(page), await dbStatuses(studio.db, project.id));
  const inserted = await page.locator(".scene-card").nth(1).getAttribute("data-sentence-id");
  assert.equal(await page.locator(`#sentence-${inserted} [data-part=image]`).getAttribute("data-status"), "idle");
  // The scene edited during the run was made from its new words — or, when its image was made
  // before the edit, says so.
  const [{ prompt }] = await studio.db.sql<{ prompt: string }[]>`
    select t.prompt from scene_parts sp join takes t on t.id = sp.take_id
    where sp.sentence_id = ${ids[1]} and sp.kind = 'image'`;
  const changed = page.locator(`#sentence-${ids[1]} .scene-part--image [data-testid=outdated]`);
  if (prompt === "The keeper climbs the stairs.") assert.equal(await changed.count(), 0);
  else assert.equal(await changed.innerText(), "Prompt changed");
  assert.equal((await studio.db.sql`select 1 from sentences where id = ${ids[3]}`).length, 0);

  // The other tab reloads on the notice and shows the same storyboard.
  await Promise.all([other.waitForNavigation(), notice.locator("button").click()]);
  await other.waitForSelector("html[data-islands-ready]");
  assert.deepEqual(await pageStatuses(other), await pageStatuses(page));
  // Generate All now makes only the inserted scene, then "Regenerate changed" the edited one (if
  // its image came before the edit).
  await page.locator("[data-testid=toast] .toast-close").click();
  assert.equal(await page.locator("[data-testid=generate]").innerText(), "Generate All Scenes");
  await page.click("[data-testid=generate]");
  await page.locator("[data-testid=toast]", { hasText: "1 scene generated" }).waitFor({ timeout: 60_000 });
  if (prompt !== "The keeper climbs the stairs.") {
    await page.locator("[data-testid=generate]", { hasText: "Regenerate changed (1)" }).waitFor();
    await page.locator("[data-testid=toast] .toast-close").click();
    await page.click("[data-testid=generate]");
    await page.locator("[data-testid=toast]", { hasText: "1 scene generated" }).waitFor({ timeout: 60_000 });
    assert.equal(await changed.count(), 0);
  }
  await page.locator("[data-testid=generate]", { hasText: "All scenes generated" }).waitFor();
  await screenshot("editing-2-done");
  // The scene's own page, with the edits that change the order, at phone width too.
  await page.goto(`${studio.base}/sentences/${ids[1]}/edit`);
  assert.equal(await page.locator("h1").innerText(), "Scene 3");
  await screenshot("editing-3-scene-page");
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  await screenshot("editing-4-scene-page-phone");
}, { timeoutMs: 180_000, actionTimeoutMs: 30_000 });

suite.test(
  "delete a project: a confirmation in the page, then its run is cancelled and its media gone",
  async (ctx) => {
    const { page, screenshot, cleanup } = ctx;
    const studio = await startStudio("sb_delete", { imageMs: 300, videoMs: 400 });
    cleanup(() => studio.close(page));
    const kept = await studio.project(1, "Kept project");
    assert.equal((await studio.api("POST", `/api/v1/projects/${kept.id}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(studio.db.sql, kept.id, 30_000), "completed");
    const project = await studio.project(4, "Doomed project");
    await openStoryboard(page, project.url);
    await page.click("[data-testid=generate]");
    await page.waitForFunction(() => document.querySelectorAll(".scene-part--image[data-status=done]").length >= 1);
    const folder = mediaPath(studio.config.dataDir, `projects/${project.id}`);
    assert.ok((await Deno.stat(folder)).isDirectory, "media was made");

    await page.locator(".project-settings > summary").click();
    const form = page.locator("[data-testid=delete-project]");
    assert.match(
      await form.locator("label.confirm").innerText(),
      /Delete “Doomed project”: its 4 scenes with every image, clip and narration\. This cannot be undone\./,
    );
    // Without ticking the box the page does not let the form go.
    await form.locator("button[type=submit]").click();
    assert.equal(
      await form.locator("input[name=confirm]").evaluate((el: HTMLInputElement) => el.validity.valueMissing),
      true,
    );
    assert.equal(page.url(), project.url, "still on the storyboard");
    assert.equal((await studio.db.sql`select 1 from projects where id = ${project.id}`).length, 1);
    await screenshot("delete-1-confirm");

    await form.locator("input[name=confirm]").check();
    await Promise.all([page.waitForURL(`${studio.base}/`), form.locator("button[type=submit]").click()]);
    assert.equal(await page.locator(`[data-project-id="${project.id}"]`).count(), 0);
    assert.equal(await page.locator(`[data-project-id="${kept.id}"]`).count(), 1);
    assert.equal((await studio.db.sql`select 1 from projects where id = ${project.id}`).length, 0);
    assert.equal((await studio.db.sql`select 1 from scene_runs where status = 'active'`).length, 0, "no run left");
    // A job that was running when the project went stores nothing: the folder stays empty of files.
    await waitFor("no media file of the deleted project", async () => {
      const files: string[] = [];
      const walk = async (dir: string) => {
        for await (const entry of Deno.readDir(dir)) {
          if (entry.isDirectory) await walk(`${dir}/${entry.name}`);
          else files.push(entry.name);
        }
      };
      await walk(folder).catch(() => {});
      return files.length === 0;
    }, 15_000);
    // The other project's media is untouched.
    const keptFiles = await Array.fromAsync(Deno.readDir(mediaPath(studio.config.dataDir, `projects/${kept.id}`)));
    assert.ok(keptFiles.length > 0);
    await screenshot("delete-2-home");
  },
  { timeoutMs: 120_000, actionTimeoutMs: 20_000 },
);
