// The storyboard's editing forms without JavaScript: each plain POST changes the script as the
// creator asked and redirects back to the card or section, and a change that cannot be made answers
// a page that says why, with a link back. Real app and database; deleting a project with media.
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { mediaPath } from "../media/store.ts";
import { buildIslands } from "../islands_runtime/build.ts";
import { freshDatabase } from "./helpers/db.ts";
import { type FormCredentials, formCredentials, postForm } from "./helpers/forms.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitForRunEnd } from "./helpers/worker.ts";

Deno.test("storyboard forms", async (t) => {
  await buildIslands();
  const db = await freshDatabase("storyboard_forms");
  const config = await testConfig(db);
  const app = createApp({ sql: db.sql, config });
  let credentials: FormCredentials | undefined;
  const post = async (path: string, fields: Record<string, string> = {}) => {
    credentials ??= await formCredentials(app);
    return await postForm(app, path, fields, { credentials });
  };
  /** The project's scenes in order: [section title or position, text]. */
  const script = async (projectId: number) =>
    (await db.sql<{ section: string; text: string }[]>`
      select coalesce(sec.title, sec.position::text) as section, s.text
      from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId} order by sec.position, s.position`).map((r) => [r.section, r.text]);
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 3, { title: "Forms" });
    const [one, two, three] = sentenceIds;
    const [{ id: sectionId }] = await db.sql<{ id: number }[]>`select id from sections where project_id = ${projectId}`;

    await t.step("text and prompts: only the changed fields are saved; the image prompt follows the text", async () => {
      const res = await post(`/sentences/${one}/prompts`, {
        text: "The keeper wakes.\r\n",
        textBefore: "Scene 1 shows the lighthouse at night.",
        imagePrompt: "Scene 1 shows the lighthouse at night.",
        imagePromptBefore: "Scene 1 shows the lighthouse at night.",
        videoPrompt: "",
        videoPromptBefore: "",
      });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), `/projects/${projectId}?sentence=${one}#sentence-${one}`);
      const [row] = await db.sql`select text, image_prompt, video_prompt from sentences where id = ${one}`;
      assert.deepEqual({ ...row }, { text: "The keeper wakes.", image_prompt: "The keeper wakes.", video_prompt: "" });
    });

    await t.step("split at the line break; without one, a page that says where to put it", async () => {
      const res = await post(`/sentences/${two}/split`, { text: "Scene 2 shows\r\nthe lighthouse at night." });
      assert.equal(res.status, 303);
      assert.deepEqual((await script(projectId)).map(([, text]) => text), [
        "The keeper wakes.",
        "Scene 2 shows",
        "the lighthouse at night.",
        "Scene 3 shows the lighthouse at night.",
      ]);
      const bad = await post(`/sentences/${two}/split`, { text: "No break here." });
      assert.equal(bad.status, 400);
      const html = await bad.text();
      assert.match(html, /Put a line break in the text where the second scene should start/);
      assert.match(
        html,
        new RegExp(`<a href="/projects/${projectId}\\?sentence=${two}#sentence-${two}">Back to the storyboard</a>`),
      );
    });

    await t.step("merge with the next, insert after, move up and down, delete", async () => {
      assert.equal((await post(`/sentences/${two}/merge-next`)).status, 303);
      assert.equal(
        (await post(`/sections/${sectionId}/sentences`, { text: "A gull lands.", position: "1" })).status,
        303,
      );
      assert.deepEqual((await script(projectId)).map(([, text]) => text), [
        "The keeper wakes.",
        "A gull lands.",
        "Scene 2 shows the lighthouse at night.",
        "Scene 3 shows the lighthouse at night.",
      ]);
      const move = await post(`/sentences/${three}/move`, { sectionId: String(sectionId), position: "0" });
      assert.equal(move.headers.get("location"), `/projects/${projectId}?sentence=${three}#sentence-${three}`);
      assert.equal((await script(projectId))[0][1], "Scene 3 shows the lighthouse at night.");
      const del = await post(`/sentences/${three}/delete`);
      assert.equal(del.headers.get("location"), `/projects/${projectId}?section=${sectionId}#section-${sectionId}`);
      assert.equal((await script(projectId)).length, 3);
    });

    await t.step("sections: add with a script, rename, move, delete only when confirmed", async () => {
      const added = await post(`/projects/${projectId}/sections`, {
        title: "Storm",
        script: "Waves rise. Rain falls.",
      });
      assert.equal(added.status, 303);
      const [{ id: storm }] = await db.sql<{ id: number }[]>`
        select id from sections where project_id = ${projectId} and title = 'Storm'`;
      assert.equal(added.headers.get("location"), `/projects/${projectId}?section=${storm}#section-${storm}`);
      assert.equal((await post(`/sections/${storm}/rename`, { title: "The storm" })).status, 303);
      assert.equal((await post(`/sections/${storm}/move`, { position: "0" })).status, 303);
      assert.deepEqual((await script(projectId)).slice(0, 2), [["The storm", "Waves rise."], [
        "The storm",
        "Rain falls.",
      ]]);
      const unconfirmed = await post(`/sections/${storm}/delete`);
      assert.equal(unconfirmed.status, 400);
      assert.match(
        await unconfirmed.text(),
        /Tick the box to confirm that the section and its scenes should be deleted/,
      );
      assert.equal((await post(`/sections/${storm}/delete`, { confirm: "yes" })).status, 303);
      assert.equal((await script(projectId)).length, 3);
      // The last section holds every scene: deleting it is refused with the way out.
      const last = await post(`/sections/${sectionId}/delete`, { confirm: "yes" });
      assert.equal(last.status, 409);
      assert.match(await last.text(), /delete the project instead/);
    });

    await t.step("project settings: only what changed is saved (a new aspect ratio dates the media)", async () => {
      const res = await post(`/projects/${projectId}/settings`, {
        title: "Forms, renamed",
        aspectRatio: "9:16",
        clipSeconds: "5",
      });
      assert.equal(res.status, 303);
      const [row] = await db.sql`select title, aspect_ratio, clip_seconds from projects where id = ${projectId}`;
      assert.deepEqual({ ...row }, { title: "Forms, renamed", aspect_ratio: "9:16", clip_seconds: 5 });
      const [event] = await db.sql`
        select data from events where project_id = ${projectId} and type = 'project.updated' order by id desc limit 1`;
      assert.equal(event.data.settings, true);
      const bad = await post(`/projects/${projectId}/settings`, { title: "x", aspectRatio: "4:3", clipSeconds: "5" });
      assert.equal(bad.status, 400);
      assert.match(
        await bad.text(),
        /aspectRatio must be &quot;16:9&quot; or &quot;9:16&quot;|aspectRatio must be "16:9"/,
      );
    });

    await t.step("a scene's page holds the edits that change the order; the card links to it", async () => {
      const storyboard = await (await app.request(`/projects/${projectId}`)).text();
      assert.match(storyboard, new RegExp(`<a class="more-edits" href="/sentences/${one}/edit">`));
      assert.doesNotMatch(storyboard, /action="\/sentences\/\d+\/(split|merge-next|move|delete)"/, "not on every card");
      const res = await app.request(`/sentences/${one}/edit`);
      assert.equal(res.status, 200);
      const html = await res.text();
      for (const action of ["prompts", "split", "merge-next", "move", "delete"]) {
        assert.match(html, new RegExp(`action="/sentences/${one}/${action}"`), action);
      }
      assert.match(html, new RegExp(`action="/sections/\\d+/sentences"`));
      assert.match(html, new RegExp(`<a href="/projects/${projectId}\\?sentence=${one}#sentence-${one}">`));
      assert.equal((await app.request("/sentences/999999/edit")).status, 404);
    });

    await t.step("unknown ids: a 404 page", async () => {
      const res = await post("/sentences/999999/merge-next");
      assert.equal(res.status, 404);
      assert.match(await res.text(), /There is no sentence with id 999999/);
    });

    await t.step("delete a project: refused without the confirmation; then its run and media are gone", async () => {
      const worker = await startTestWorker(db, config);
      try {
        const { projectId: doomed } = await makeProject(db.sql, 2, { title: "Doomed" });
        const app2 = createApp({ sql: db.sql, config });
        assert.equal(
          (await app2.request(`/api/v1/projects/${doomed}/generate-scenes`, { method: "POST" })).status,
          202,
        );
        assert.equal(await waitForRunEnd(db.sql, doomed), "completed");
        const folder = mediaPath(config.dataDir, `projects/${doomed}`);
        assert.ok((await Deno.stat(folder)).isDirectory);
        const refused = await post(`/projects/${doomed}/delete`);
        assert.equal(refused.status, 400);
        assert.match(await refused.text(), /Tick the box to confirm that the project should be deleted/);
        const res = await post(`/projects/${doomed}/delete`, { confirm: "yes" });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/");
        assert.equal((await db.sql`select 1 from projects where id = ${doomed}`).length, 0);
        assert.equal(await Deno.stat(folder).then(() => true, () => false), false, "its media folder is removed");
        assert.doesNotMatch(await (await app.request("/")).text(), /Doomed/);
      } finally {
        await worker.stop();
      }
    });
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});
