import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { createSimulatedProvider } from "../providers/simulated.ts";
import { type MediaProvider, ProviderError } from "../providers/types.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import {
  makeProject,
  recordingProvider,
  removeDataDir,
  startTestWorker,
  testConfig,
  waitForRunEnd,
} from "./helpers/worker.ts";

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("[fail] fails at once with its message, no video follows a failed image; fix the prompt, retry → done", async () => {
  const db = await freshDatabase("engine_fail");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds: ids } = await makeProject(db.sql, 4);
    await db.sql`update sentences set image_prompt = '[fail] a lighthouse' where id = ${ids[1]}`;
    await db.sql`update sentences set video_prompt = '[fail] slow pan' where id = ${ids[2]}`;
    assert.equal((await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" })).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    const { run } = await (await app.request(`/api/v1/projects/${projectId}/scene-run`)).json();
    assert.equal(run.status, "completed");
    assert.equal(run.finishedScenes, 4);
    assert.equal(run.failedScenes, 2);
    assert.deepEqual(run.images, { done: 3, total: 4 });
    assert.deepEqual(run.videos, { done: 2, total: 4 });
    assert.deepEqual(run.failed.map((f: { number: number; part: string }) => [f.number, f.part]), [[2, "image"], [
      3,
      "video",
    ]]);
    assert.match(run.failed[0].error, /\[fail\] marker/);
    assert.equal(run.failed[0].text, "Scene 2 shows the lighthouse at night.");
    const parts = await db.sql`select image_status, image_attempts, video_status from scene_states where id = ${
      ids[1]
    }`;
    assert.deepEqual(
      parts[0],
      { image_status: "failed", image_attempts: 1, video_status: "idle" },
      "permanent: one try",
    );
    const [completed] = await db
      .sql`select data from events where project_id = ${projectId} and type = 'run.completed'`;
    assert.equal(completed.data.failedScenes, 2);
    assert.equal(completed.data.failed.length, 2);
    await assertInvariants(db.sql, { quiescent: true });

    // Bad retries are refused and change nothing.
    const snapshot = async () =>
      JSON.stringify([
        await db.sql`select * from scene_runs order by id`,
        await db.sql`select id, image_status, video_status from scene_states order by id`,
        await db.sql`select count(*)::int from events`,
        await db.sql`select count(*)::int from graphile_worker.jobs`,
      ]);
    const before = await snapshot();
    const unknown = await app.request(
      `/api/v1/projects/${projectId}/retry-failed-scenes`,
      json({ sentenceIds: [999999] }),
    );
    assert.equal(unknown.status, 400);
    assert.match((await unknown.json()).error, /999999 is not in this project/);
    const notFailed = await app.request(
      `/api/v1/projects/${projectId}/retry-failed-scenes`,
      json({ sentenceIds: [ids[0]] }),
    );
    assert.equal(notFailed.status, 409);
    assert.match((await notFailed.json()).error, /no failed image, video or narration to retry/);
    const badBody = await app.request(
      `/api/v1/projects/${projectId}/retry-failed-scenes`,
      json({ sentenceIds: "all" }),
    );
    assert.equal(badBody.status, 400);
    assert.equal(await snapshot(), before);

    // Fix scene 2's prompt and retry just it: a new run with one scene; its video follows.
    await app.request(`/api/v1/sentences/${ids[1]}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ imagePrompt: "a lighthouse" }),
    });
    const retry = await app.request(
      `/api/v1/projects/${projectId}/retry-failed-scenes`,
      json({ sentenceIds: [ids[1]] }),
    );
    assert.equal(retry.status, 202);
    const retried = (await retry.json()).run;
    assert.notEqual(retried.id, run.id);
    assert.equal(retried.totalScenes, 1);
    assert.deepEqual(retried.images, { done: 0, total: 1 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    // Then everything that still failed (scene 3's video), with no body.
    await db.sql`update sentences set video_prompt = 'slow pan' where id = ${ids[2]}`;
    const rest = await app.request(`/api/v1/projects/${projectId}/retry-failed-scenes`, { method: "POST" });
    assert.equal(rest.status, 202);
    const restRun = (await rest.json()).run;
    assert.deepEqual([restRun.totalScenes, restRun.images.total], [1, 0]);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const [{ n }] = await db.sql`select count(*)::int as n from scene_states
      where project_id = ${projectId} and (image_status <> 'done' or video_status <> 'done')`;
    assert.equal(n, 0);
    const nothing = await app.request(`/api/v1/projects/${projectId}/retry-failed-scenes`, { method: "POST" });
    assert.equal(nothing.status, 409);
    assert.match((await nothing.json()).error, /nothing to retry/);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

/** The simulated provider, plus `[down]` (always a transient error) and `[bug]` (a TypeError). */
function troubledProvider(): MediaProvider {
  const inner = createSimulatedProvider({ imageMs: 20, videoMs: 20 });
  return {
    name: "troubled",
    generateImage(request) {
      if (request.prompt.includes("[down]")) {
        return Promise.reject(
          new ProviderError("The image server refused the connection. It will be retried.", { transient: true }),
        );
      }
      if (request.prompt.includes("[bug]")) return Promise.reject(new TypeError("Cannot read properties of undefined"));
      return inner.generateImage(request);
    },
    imageToVideo: (request) => inner.imageToVideo(request),
  };
}

Deno.test("[flaky] succeeds on attempt 2 by itself; transient errors stop after MAX_ATTEMPTS; other exceptions count as transient", async () => {
  const db = await freshDatabase("engine_flaky");
  const config = await testConfig(db);
  const { provider, calls } = recordingProvider(troubledProvider());
  const flaky = recordingProvider(createSimulatedProvider({ imageMs: 20, videoMs: 20 }));
  // Images: [flaky] through the simulated provider, the rest through the troubled one.
  const images: MediaProvider = {
    name: "mixed",
    generateImage: (r) => r.prompt.includes("[flaky]") ? flaky.provider.generateImage(r) : provider.generateImage(r),
    imageToVideo: (r) => provider.imageToVideo(r),
  };
  const worker = await startTestWorker(db, config, { image: images, video: provider });
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds: ids } = await makeProject(db.sql, 3);
    await db.sql`update sentences set image_prompt = '[flaky] a gull over the sea' where id = ${ids[0]}`;
    await db.sql`update sentences set image_prompt = '[down] a storm' where id = ${ids[1]}`;
    await db.sql`update sentences set image_prompt = '[bug] a lamp' where id = ${ids[2]}`;
    assert.equal((await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" })).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    const rows = await db.sql`select id, image_status, image_attempts, image_error, video_status, video_prompt
      from scene_states where project_id = ${projectId} order by id`;
    // [flaky]: failed once (transient), retried after the backoff, done; its video prompt has no marker.
    assert.deepEqual(
      [rows[0].image_status, rows[0].image_attempts, rows[0].image_error, rows[0].video_status],
      ["done", 2, null, "done"],
    );
    assert.doesNotMatch(rows[0].video_prompt, /\[flaky\]/);
    assert.deepEqual(flaky.calls.map((c) => [c.attempt, c.outcome]), [[1, "error"], [2, "ok"]]);
    // [down]: transient every time → failed after MAX_ATTEMPTS tries, with the provider's message.
    assert.deepEqual([rows[1].image_status, rows[1].image_attempts], ["failed", 3]);
    assert.equal(rows[1].image_error, "The image server refused the connection. It will be retried.");
    assert.equal(calls.filter((c) => c.prompt.includes("[down]")).length, 3);
    // A TypeError is treated as transient, with a sentence around it.
    assert.deepEqual([rows[2].image_status, rows[2].image_attempts], ["failed", 3]);
    assert.match(rows[2].image_error, /^The image could not be generated because of an unexpected error: Cannot read/);

    // Between attempts the scene showed queued with the error, retrying at a given time, and the
    // attempt count grew. (The first "queued" came with the run's one event for all scenes.)
    const history = await db.sql<
      { data: { status: string; attempts: number; error: string | null; phase: string | null; retryAt: string } }[]
    >`
      select data from events where type = 'scene.updated' and (data->>'sentenceId')::int = ${ids[1]}
        and data->>'part' = 'image' order by id`;
    assert.deepEqual(history.map((e) => `${e.data.status}/${e.data.attempts}`), [
      "running/1",
      "queued/1",
      "running/2",
      "queued/2",
      "running/3",
      "failed/3",
    ]);
    assert.match(history[1].data.error!, /refused the connection/);
    for (const retry of [history[1], history[3]]) {
      assert.equal(retry.data.phase, "retrying");
      assert.ok(Date.parse(retry.data.retryAt) > 0, "a retry says when it is due");
    }
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
