import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitForRunEnd } from "./helpers/worker.ts";
import type { Sql } from "../core/db/client.ts";
import { newMediaFile } from "../media/store.ts";
import { encodeFlatPng } from "../providers/simulated.ts";
import { setPart } from "./helpers/parts.ts";

/** Everything a failed request must leave untouched. */
async function snapshot(sql: Sql): Promise<string> {
  return JSON.stringify([
    await sql`select * from scene_runs order by id`,
    await sql`select id, image_status, video_status, image_run_id, video_run_id, video_prompt from scene_states order by id`,
    await sql`select count(*)::int from events`,
    await sql`select count(*)::int from graphile_worker.jobs`,
  ]);
}

Deno.test("API errors: unknown project 404, no sentences 409, bad body 400/415, wrong method 405 — and nothing changes", async () => {
  const db = await freshDatabase("engine_api");
  const config = await testConfig(db);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId } = await makeProject(db.sql, 2);
    const [empty] = await db.sql`insert into projects (title) values ('Empty') returning id`;
    const before = await snapshot(db.sql);
    const call = async (method: string, path: string, init: RequestInit = {}) => {
      const res = await app.request(path, { method, ...init });
      const body = await res.json();
      assert.equal(typeof body, "object");
      return { status: res.status, body, allow: res.headers.get("allow") };
    };
    const base = `/api/v1/projects`;

    for (const path of ["generate-scenes", "cancel-scenes", "retry-failed-scenes"]) {
      const r = await call("POST", `${base}/987654/${path}`);
      assert.equal(r.status, 404, path);
      assert.match(r.body.error, /no project with id 987654/);
      assert.equal((await call("POST", `${base}/abc/${path}`)).status, 404);
    }
    assert.equal((await call("GET", `${base}/987654/scene-run`)).status, 404);

    const noSentences = await call("POST", `${base}/${empty.id}/generate-scenes`);
    assert.equal(noSentences.status, 409);
    assert.match(noSentences.body.error, /no sentences/);
    assert.equal((await call("POST", `${base}/${empty.id}/retry-failed-scenes`)).status, 409);
    assert.deepEqual((await call("POST", `${base}/${empty.id}/cancel-scenes`)).body, { run: null, cancelled: 0 });
    assert.deepEqual((await call("GET", `${base}/${empty.id}/scene-run`)).body, { run: null });
    const nothingFailed = await call("POST", `${base}/${projectId}/retry-failed-scenes`);
    assert.equal(nothingFailed.status, 409);

    const retry = `${base}/${projectId}/retry-failed-scenes`;
    const asJson = (body: string) => ({ headers: { "content-type": "application/json" }, body });
    assert.equal((await call("POST", retry, asJson("{not json"))).status, 400);
    assert.equal((await call("POST", retry, { headers: { "content-type": "text/plain" }, body: "hello" })).status, 415);
    const emptyIds = await call("POST", retry, asJson(JSON.stringify({ sentenceIds: [] })));
    assert.equal(emptyIds.status, 400);
    assert.equal(emptyIds.body.issues[0].path, "sentenceIds");
    assert.equal((await call("POST", retry, asJson(JSON.stringify({ sentenceIds: [1.5] })))).status, 400);
    assert.equal((await call("POST", retry, asJson(JSON.stringify({ extra: true })))).status, 400);

    for (
      const [method, path, allow] of [
        ["GET", "generate-scenes", "POST"],
        ["PUT", "cancel-scenes", "POST"],
        ["DELETE", "retry-failed-scenes", "POST"],
        ["POST", "scene-run", "GET, HEAD"],
      ]
    ) {
      const r = await call(method, `${base}/${projectId}/${path}`);
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.allow, allow);
      assert.match(r.body.error, new RegExp(`${method} is not allowed`));
    }
    assert.equal(await snapshot(db.sql), before);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("20 concurrent generate calls give one run and exactly one job per scene part", async () => {
  const db = await freshDatabase("engine_concurrent");
  const config = await testConfig(db);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeProject(db.sql, 12);
    // Two scenes already have their image: they get a video job only.
    for (const id of [sentenceIds[3], sentenceIds[7]]) {
      await setPart(db.sql, id, "image", { status: "done", path: "projects/x/old.png" });
    }
    const responses = await Promise.all(
      Array.from(
        { length: 20 },
        () => app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(19).fill(200), 202].sort(), "one created (202), the rest got it (200)");
    const runIds = new Set(await Promise.all(responses.map(async (r) => (await r.json()).run.id)));
    assert.equal(runIds.size, 1);
    const [{ n: runs }] = await db.sql`select count(*)::int as n from scene_runs where project_id = ${projectId}`;
    assert.equal(runs, 1);

    const jobs = await db.sql<{ key: string; queue_name: string; task_identifier: string; max_attempts: number }[]>`
      select key, queue_name, task_identifier, max_attempts from graphile_worker.jobs order by id`;
    assert.equal(jobs.length, 12);
    assert.equal(new Set(jobs.map((j) => j.key)).size, 12);
    const expected = sentenceIds.map((id, i) => (i === 3 || i === 7 ? `video:${id}` : `image:${id}`));
    assert.deepEqual(jobs.map((j) => j.key).sort(), [...expected].sort());
    for (const j of jobs) {
      assert.equal(j.queue_name, j.key.startsWith("image") ? "images" : "videos");
      assert.equal(j.task_identifier, j.key.startsWith("image") ? "generate_image" : "generate_video");
      assert.equal(j.max_attempts, config.maxAttempts);
    }
    const events = await db.sql<
      { type: string }[]
    >`select type from events where project_id = ${projectId} order by id`;
    assert.equal(events.filter((e) => e.type === "run.started").length, 1);
    // One event per part kind and state, however many scenes: images queued, videos queued.
    assert.deepEqual(events.map((e) => e.type), ["run.started", "scenes.updated", "scenes.updated", "run.progress"]);
    await assertInvariants(db.sql);

    // Give the two existing images real files, then let a worker run it all.
    for (const id of [sentenceIds[3], sentenceIds[7]]) {
      const file = await newMediaFile(config.dataDir, { projectId, sentenceId: id, part: "image" });
      await Deno.writeFile(file.absolute, encodeFlatPng(1280, 720, [10, 20, 30]));
      await db.sql`update takes set path = ${file.relative} where sentence_id = ${id} and kind = 'image'`;
    }
    const worker = await startTestWorker(db, config);
    try {
      assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    } finally {
      await worker.stop();
    }
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});
