// Iterating on scenes through the public API, with a real worker and database: regenerate after a
// prompt edit, takes (kept, picked, pruned with their files), Generate All scopes, editing the
// script (text, insert, delete, split, merge, move, sections, project settings), edits during a
// run, and deleting a project with its media.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { mediaRoot } from "../media/store.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import {
  makeProject,
  recordedSimulated,
  removeDataDir,
  startTestWorker,
  testConfig,
  waitFor,
  waitForRunEnd,
} from "./helpers/worker.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

function client(app: ReturnType<typeof createApp>) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Any }> => {
    const res = await app.request(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

async function fileExists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("regenerate and takes: prompt changed → regenerate → a new take; pick an earlier one; old takes pruned with their files", async () => {
  const db = await freshDatabase("iterate_takes");
  const config = await testConfig(db, { TAKES_KEPT: "2" });
  const worker = await startTestWorker(db, config);
  try {
    const app = createApp({ sql: db.sql, config });
    const call = client(app);
    const { projectId, sentenceIds } = await makeProject(db.sql, 2);
    const [one, two] = sentenceIds;
    assert.equal((await call("POST", `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    // Nothing missing: Generate All says so; nothing is out of date either.
    const nothing = await call("POST", `/api/v1/projects/${projectId}/generate-scenes`);
    assert.equal(nothing.status, 409);
    assert.match(nothing.body.error, /nothing to generate/);
    assert.equal(
      (await call("POST", `/api/v1/projects/${projectId}/generate-scenes`, { scope: "changed" })).status,
      409,
    );

    // Edit scene 1's image prompt: its image (and so its video) is out of date.
    const edited = await call("PATCH", `/api/v1/sentences/${one}`, { imagePrompt: "A red lighthouse at dawn" });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.image.outdated, true);
    const firstImage = edited.body.image.take;
    assert.notEqual(firstImage.prompt, "A red lighthouse at dawn");

    // Generate All with scope "changed" remakes only that scene: image, then its video.
    const changed = await call("POST", `/api/v1/projects/${projectId}/generate-scenes`, { scope: "changed" });
    assert.equal(changed.status, 202);
    assert.equal(changed.body.run.totalScenes, 1);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    let scene = (await call("GET", `/api/v1/sentences/${one}`)).body;
    assert.equal(scene.image.outdated, false);
    assert.equal(scene.image.take.prompt, "A red lighthouse at dawn");
    assert.equal(scene.image.takes, 2);
    assert.equal(scene.video.outdated, false, "the video was remade from the new image");
    assert.equal(typeof scene.image.take.seed, "number");
    assert.ok(Number.isSafeInteger(scene.image.take.seed));

    // Regenerate the image only: the video shows out of date.
    const onlyImage = await call("POST", `/api/v1/sentences/${one}/regenerate`, { parts: ["image"] });
    assert.equal(onlyImage.status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    scene = (await call("GET", `/api/v1/sentences/${one}`)).body;
    assert.equal(scene.video.outdated, true, "a new image makes the video out of date");
    assert.equal(scene.image.takes, 2, "TAKES_KEPT=2: the oldest image take went");
    assert.equal(await fileExists(join(mediaRoot(config.dataDir), decodeURIComponent(firstImage.url.slice(7)))), false);

    // The takes list, newest first; pick the older image: the scene shows it, the video follows suit.
    const takes = (await call("GET", `/api/v1/sentences/${one}/takes`)).body;
    assert.equal(takes.image.length, 2);
    assert.ok(takes.image[0].id > takes.image[1].id);
    const picked = await call("PUT", `/api/v1/sentences/${one}/takes/current`, {
      part: "image",
      takeId: takes.image[1].id,
    });
    assert.equal(picked.status, 200);
    assert.equal(picked.body.take.id, takes.image[1].id);
    scene = (await call("GET", `/api/v1/sentences/${one}`)).body;
    assert.equal(scene.image.url, takes.image[1].url);
    assert.equal(scene.video.outdated, false, "the video was made from the picked image");
    const [event] = await db.sql`
      select data from events where type = 'scene.updated' and (data->>'sentenceId')::int = ${one}
      order by id desc limit 1`;
    assert.equal(event.data.take.id, takes.image[1].id, "open pages are told about the pick");

    // Wrong picks are refused and change nothing.
    assert.equal(
      (await call("PUT", `/api/v1/sentences/${one}/takes/current`, { part: "image", takeId: takes.video[0].id }))
        .status,
      404,
    );
    assert.equal(
      (await call("PUT", `/api/v1/sentences/${two}/takes/current`, { part: "image", takeId: takes.image[0].id }))
        .status,
      404,
    );
    assert.equal(
      (await call("PUT", `/api/v1/sentences/${one}/takes/current`, { part: "sound", takeId: 1 })).status,
      400,
    );

    // Scope "all" remakes everything; regenerate of an unknown sentence is a 404.
    const all = await call("POST", `/api/v1/projects/${projectId}/generate-scenes`, { scope: "all" });
    assert.equal(all.body.run.totalScenes, 2);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    assert.equal((await call("POST", `/api/v1/sentences/999999/regenerate`)).status, 404);
    assert.equal(
      (await call("POST", `/api/v1/sentences/${one}/regenerate`, { parts: ["image", "image"] })).status,
      400,
    );
    await assertInvariants(db.sql, { quiescent: true });

    // Every file on disk is referenced by a take (nothing leaked), and every take's file exists.
    const paths = (await db.sql<{ path: string }[]>`select path from takes`).map((t) => t.path);
    for (const path of paths) assert.ok(await fileExists(join(mediaRoot(config.dataDir), path)), path);
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("editing the script: text, insert, split, merge, move, sections, settings; bad edits change nothing", async () => {
  const db = await freshDatabase("iterate_edit");
  const config = await testConfig(db);
  try {
    const app = createApp({ sql: db.sql, config });
    const call = client(app);
    const { projectId, sentenceIds } = await makeProject(db.sql, 3);
    const texts = async () => {
      const p = (await call("GET", `/api/v1/projects/${projectId}`)).body;
      return p.sections.map((s: Any) => s.sentences.map((x: Any) => x.text));
    };

    // Text: the image prompt follows while it is still the sentence itself.
    let res = await call("PATCH", `/api/v1/sentences/${sentenceIds[0]}`, { text: "The keeper wakes." });
    assert.equal(res.status, 200);
    assert.equal(res.body.text, "The keeper wakes.");
    assert.equal(res.body.imagePrompt, "The keeper wakes.");
    await call("PATCH", `/api/v1/sentences/${sentenceIds[0]}`, { imagePrompt: "Close-up of a sleepy face" });
    res = await call("PATCH", `/api/v1/sentences/${sentenceIds[0]}`, { text: "The keeper wakes early." });
    assert.equal(res.body.imagePrompt, "Close-up of a sleepy face", "the creator's prompt is kept");

    // Insert, split, merge.
    const sectionId = res.body.sectionId;
    res = await call("POST", `/api/v1/sections/${sectionId}/sentences`, { text: "A new first scene.", position: 0 });
    assert.equal(res.status, 201);
    assert.equal(res.body.number, 1);
    res = await call("POST", `/api/v1/sentences/${sentenceIds[1]}/split`, { at: 8 });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.sentences.map((s: Any) => s.text), ["Scene 2", "shows the lighthouse at night."]);
    assert.deepEqual(await texts(), [[
      "A new first scene.",
      "The keeper wakes early.",
      "Scene 2",
      "shows the lighthouse at night.",
      "Scene 3 shows the lighthouse at night.",
    ]]);
    res = await call("POST", `/api/v1/sentences/${sentenceIds[1]}/merge-next`);
    assert.equal(res.body.text, "Scene 2 shows the lighthouse at night.");

    // Sections: add one from a script, rename it, move it first, move a sentence into it.
    res = await call("POST", `/api/v1/projects/${projectId}/sections`, { title: "Prologue", script: "Dark. Stormy." });
    assert.equal(res.status, 201);
    assert.equal(res.body.sentenceCount, 2);
    const prologue = res.body.id;
    assert.equal((await call("POST", `/api/v1/sections/${prologue}/move`, { position: 0 })).status, 204);
    assert.equal((await call("PATCH", `/api/v1/sections/${prologue}`, { title: "Before" })).body.title, "Before");
    res = await call("POST", `/api/v1/sentences/${sentenceIds[2]}/move`, { sectionId: prologue, position: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.body.number, 2);
    assert.deepEqual(await texts(), [
      ["Dark.", "Scene 3 shows the lighthouse at night.", "Stormy."],
      ["A new first scene.", "The keeper wakes early.", "Scene 2 shows the lighthouse at night."],
    ]);

    // Project settings: the title, the clip length and the aspect ratio.
    res = await call("PATCH", `/api/v1/projects/${projectId}`, {
      title: "Renamed",
      clipSeconds: 6,
      aspectRatio: "9:16",
    });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.title, res.body.clipSeconds, res.body.aspectRatio], ["Renamed", 6, "9:16"]);

    // Bad edits: a clear 4xx naming the problem, and nothing changes.
    const before = JSON.stringify(await texts());
    const bad: [string, string, unknown, number][] = [
      ["PATCH", `/api/v1/sentences/${sentenceIds[0]}`, { text: "   " }, 400],
      ["PATCH", `/api/v1/sentences/${sentenceIds[0]}`, {}, 400],
      ["POST", `/api/v1/sentences/${sentenceIds[0]}/split`, { at: 1000 }, 400],
      ["POST", `/api/v1/sentences/${sentenceIds[0]}/split`, { at: "3" }, 400],
      ["POST", `/api/v1/sentences/${sentenceIds[1]}/merge-next`, undefined, 409],
      ["POST", `/api/v1/sentences/${sentenceIds[0]}/move`, { sectionId: 999999, position: 0 }, 400],
      ["POST", `/api/v1/sentences/999999/move`, { position: 0 }, 404],
      ["PATCH", `/api/v1/projects/${projectId}`, { clipSeconds: 0 }, 400],
      ["PATCH", `/api/v1/projects/${projectId}`, { aspectRatio: "4:3" }, 400],
      ["POST", `/api/v1/sections/${prologue}/sentences`, { text: "" }, 400],
      ["DELETE", `/api/v1/sections/999999`, undefined, 404],
    ];
    for (const [method, path, body, status] of bad) {
      const r = await call(method, path, body);
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.error, "string");
    }
    assert.equal(JSON.stringify(await texts()), before);

    // Delete a sentence, then a section; the project's last sentence cannot go.
    assert.equal((await call("DELETE", `/api/v1/sentences/${sentenceIds[2]}`)).status, 204);
    assert.equal((await call("DELETE", `/api/v1/sections/${prologue}`)).status, 204);
    assert.deepEqual(await texts(), [[
      "A new first scene.",
      "The keeper wakes early.",
      "Scene 2 shows the lighthouse at night.",
    ]]);
    const types = (await db.sql`select distinct type from events where project_id = ${projectId}`).map((r) => r.type);
    assert.ok(types.includes("sentence.updated") && types.includes("project.updated"), types.join());
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("edits during a run are safe: a deleted scene's job stops and writes nothing; a re-prompted one shows out of date", async () => {
  const db = await freshDatabase("iterate_during_run");
  const config = await testConfig(db);
  const sim = recordedSimulated(600, 100);
  const worker = await startTestWorker(db, config, sim.providers);
  try {
    const app = createApp({ sql: db.sql, config });
    const call = client(app);
    const { projectId, sentenceIds } = await makeProject(db.sql, 3);
    assert.equal((await call("POST", `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    // Scene 1's image is being made: delete scene 1, re-prompt scene 2 (queued).
    await waitFor("scene 1's image to run", async () => {
      const [row] = await db.sql`select image_status from scene_states where id = ${sentenceIds[0]}`;
      return row.image_status === "running";
    });
    assert.equal((await call("DELETE", `/api/v1/sentences/${sentenceIds[0]}`)).status, 204);
    await call("PATCH", `/api/v1/sentences/${sentenceIds[1]}`, { imagePrompt: "Edited while queued" });
    assert.equal(await waitForRunEnd(db.sql, projectId, 30_000), "completed");
    const aborted = sim.calls.filter((c) => c.outcome === "aborted");
    assert.equal(aborted.length, 1, "the deleted scene's running image was stopped");
    const takes = await db.sql`select sentence_id from takes`;
    assert.ok(takes.every((t) => t.sentence_id !== sentenceIds[0]), "nothing was stored for the deleted scene");
    const [two] = await db.sql`select image_status, image_outdated from scene_states where id = ${sentenceIds[1]}`;
    // Scene 2 was queued when its prompt changed: the job read the new prompt when it started.
    assert.deepEqual({ ...two }, { image_status: "done", image_outdated: false });
    await assertInvariants(db.sql, { quiescent: true });

    // A prompt edited while its image runs: the take keeps the prompt it was made from.
    const run = await call("POST", `/api/v1/sentences/${sentenceIds[2]}/regenerate`, { parts: ["image"] });
    assert.equal(run.status, 202);
    await waitFor("scene 3's image to run", async () => {
      const [row] = await db.sql`select image_status from scene_states where id = ${sentenceIds[2]}`;
      return row.image_status === "running";
    });
    await call("PATCH", `/api/v1/sentences/${sentenceIds[2]}`, { imagePrompt: "Changed mid-render" });
    assert.equal(await waitForRunEnd(db.sql, projectId, 30_000), "completed");
    const scene = (await call("GET", `/api/v1/sentences/${sentenceIds[2]}`)).body;
    assert.equal(scene.image.outdated, true);
    assert.notEqual(scene.image.take.prompt, "Changed mid-render");
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("deleting a project cancels its run, removes its media and every row", async () => {
  const db = await freshDatabase("iterate_delete");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config, recordedSimulated(300, 300).providers);
  try {
    const app = createApp({ sql: db.sql, config });
    const call = client(app);
    const { projectId } = await makeProject(db.sql, 4);
    await call("POST", `/api/v1/projects/${projectId}/generate-scenes`);
    await waitFor("a take to exist", async () => (await db.sql`select 1 from takes`).length > 0, 15_000);
    const folder = join(mediaRoot(config.dataDir), "projects", String(projectId));
    assert.ok(await fileExists(folder));
    assert.equal((await call("DELETE", `/api/v1/projects/${projectId}`)).status, 204);
    assert.equal((await call("GET", `/api/v1/projects/${projectId}`)).status, 404);
    assert.equal((await call("DELETE", `/api/v1/projects/${projectId}`)).status, 404);
    assert.equal(await fileExists(folder), false);
    for (const table of ["sentences", "scene_parts", "takes", "scene_runs", "events"]) {
      const [{ n }] = await db.sql`select count(*)::int as n from ${db.sql(table)}`;
      assert.equal(n, 0, table);
    }
    // The worker lets go of anything it was making; nothing is left locked or queued.
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
