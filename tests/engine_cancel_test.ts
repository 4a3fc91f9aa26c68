import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { createSimulatedProvider } from "../providers/simulated.ts";
import type { MediaProvider } from "../providers/types.ts";
import { ABANDON_AFTER_ABORT_MS } from "../workers/tasks/part_task.ts";
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

Deno.test("cancel stops the running image and video within a second and leaves no job behind", async () => {
  const db = await freshDatabase("engine_cancel");
  const config = await testConfig(db);
  // Images take 150 ms, videos 200 ms; [slow] makes one 10× longer.
  const { providers, calls } = recordedSimulated(150, 200);
  const worker = await startTestWorker(db, config, providers);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeProject(db.sql, 5);
    await db.sql`update sentences set video_prompt = '[slow] a slow pan' where id = ${sentenceIds[0]}`;
    await db.sql`update sentences set image_prompt = '[slow] ' || image_prompt where id = ${sentenceIds[1]}`;
    assert.equal((await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" })).status, 202);

    // Scene 1's slow video and scene 2's slow image run at the same time.
    await waitFor(
      "scene 1's video and scene 2's image to be running",
      () =>
        calls.some((c) => c.kind === "video" && c.prompt.includes("[slow]") && isNaN(c.ended)) &&
        calls.some((c) => c.kind === "image" && c.prompt.includes("[slow]") && isNaN(c.ended)),
    );
    const cancelledAt = performance.now();
    const res = await app.request(`/api/v1/projects/${projectId}/cancel-scenes`, { method: "POST" });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.run.status, "cancelled");
    assert.equal(body.cancelled, 5, "scene 1's running video, scene 2's running image, three queued images");
    assert.equal(body.run.cancelledScenes, 5);
    assert.equal(body.run.finishedScenes, 5);

    // Both running provider calls are aborted within a second.
    await waitFor("both running calls to stop", () => calls.every((c) => !isNaN(c.ended)), 1000, 5);
    const aborted = calls.filter((c) => c.outcome === "aborted");
    assert.equal(aborted.length, 2);
    for (const c of aborted) {
      assert.ok(c.ended - cancelledAt < 1000, `stopped ${c.ended - cancelledAt} ms after cancel`);
    }
    console.log(
      `  cancel → running calls stopped after ${
        aborted.map((c) => (c.ended - cancelledAt).toFixed(1)).join(" and ")
      } ms`,
    );

    // No job is left behind (queued ones removed, running ones completed), and none starts later.
    await waitFor(
      "the jobs table to empty",
      async () => {
        const [{ n }] = await db.sql`select count(*)::int as n from graphile_worker.jobs`;
        return n === 0;
      },
      1000,
      5,
    );
    const callsAtCancel = calls.length;
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(calls.length, callsAtCancel, "no provider call starts after the cancel");

    const parts = await db.sql<{ id: number; image_status: string; video_status: string; image_path: string | null }[]>`
      select id, image_status, video_status, image_path from scene_states where project_id = ${projectId} order by id`;
    assert.deepEqual(parts.map((p) => [p.image_status, p.video_status]), [
      ["done", "cancelled"], // its video was running
      ["cancelled", "idle"], // its image was running: no video was chained
      ["cancelled", "idle"],
      ["cancelled", "idle"],
      ["cancelled", "idle"],
    ]);
    const events = await db.sql<
      { type: string }[]
    >`select type from events where project_id = ${projectId} order by id`;
    assert.equal(events.at(-1)!.type, "run.cancelled");
    assert.ok(!events.some((e) => e.type === "run.completed"));
    await assertInvariants(db.sql, { quiescent: true });

    // A second cancel is harmless; a new run picks up where it stopped.
    const again = await (await app.request(`/api/v1/projects/${projectId}/cancel-scenes`, { method: "POST" })).json();
    assert.equal(again.cancelled, 0);
    assert.equal(again.run.id, body.run.id);
    await db.sql`update sentences set image_prompt = replace(image_prompt, '[slow] ', ''), video_prompt = ''
      where project_id = ${projectId}`;
    const restart = await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" });
    assert.equal(restart.status, 202);
    const { run } = await restart.json();
    assert.equal(run.totalScenes, 5);
    assert.deepEqual(run.images, { done: 0, total: 4 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const [{ n }] = await db.sql`select count(*)::int as n from scene_states
      where project_id = ${projectId} and (image_status <> 'done' or video_status <> 'done')`;
    assert.equal(n, 0);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("a provider that ignores the abort cannot block its queue: the job lets go after a few seconds", async () => {
  const db = await freshDatabase("engine_stubborn");
  const config = await testConfig(db);
  const fast = createSimulatedProvider({ imageMs: 10, videoMs: 10 });
  let stubbornCalls = 0;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const stubborn: MediaProvider = {
    name: "stubborn",
    async generateImage(request) {
      if (!request.prompt.includes("[stubborn]")) return await fast.generateImage(request);
      stubbornCalls++;
      await new Promise((r) => timers.push(setTimeout(r, 8000))); // ignores request.signal
      return await fast.generateImage(request);
    },
    imageToVideo: (request) => fast.imageToVideo(request),
  };
  const worker = await startTestWorker(db, config, { image: stubborn, video: stubborn });
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeProject(db.sql, 2);
    await db.sql`update sentences set image_prompt = '[stubborn] a rock' where id = ${sentenceIds[0]}`;
    await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" });
    await waitFor("the stubborn call", () => stubbornCalls === 1);
    const cancelledAt = performance.now();
    await app.request(`/api/v1/projects/${projectId}/cancel-scenes`, { method: "POST" });
    await waitFor(
      "the jobs table to empty",
      async () => {
        const [{ n }] = await db.sql`select count(*)::int as n from graphile_worker.jobs`;
        return n === 0;
      },
      7000,
      20,
    );
    const waited = performance.now() - cancelledAt;
    assert.ok(waited >= ABANDON_AFTER_ABORT_MS - 100 && waited < ABANDON_AFTER_ABORT_MS + 1500, `${waited} ms`);
    // The images queue is free again: a new run's first image does not wait for the stubborn call.
    await db.sql`update sentences set image_prompt = 'a rock' where id = ${sentenceIds[0]}`;
    await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" });
    assert.equal(await waitForRunEnd(db.sql, projectId, 2500), "completed");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    timers.forEach(clearTimeout);
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
