import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { mediaRoot } from "../media/store.ts";
import { readPngSize } from "../providers/fixtures/media_checks.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import {
  makeProject,
  recordedSimulated,
  removeDataDir,
  startTestWorker,
  testConfig,
  waitForRunEnd,
} from "./helpers/worker.ts";
import { sceneSteps } from "./helpers/live.ts";
import { setPart } from "./helpers/parts.ts";
import {
  cancelRun,
  regenerateScene,
  retryFailed,
  type StartedRun,
  startNarration,
  startRun,
} from "../core/engine/runs.ts";
import { runSummary } from "../core/engine/run_summary.ts";
import type { RunSummary } from "../core/types.ts";

const post = (app: ReturnType<typeof createApp>, path: string) => app.request(path, { method: "POST" });

Deno.test("a whole run: every scene done, chain order in events, one job per queue at a time across two workers", async () => {
  const db = await freshDatabase("engine_run");
  const config = await testConfig(db);
  const { providers, calls } = recordedSimulated(40, 60);
  const workers = [await startTestWorker(db, config, providers), await startTestWorker(db, config, providers)];
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeProject(db.sql, 8);
    const res = await post(app, `/api/v1/projects/${projectId}/generate-scenes`);
    assert.equal(res.status, 202);
    const { run } = await res.json();
    assert.equal(run.status, "active");
    assert.equal(run.totalScenes, 8);
    assert.deepEqual(run.images, { done: 0, total: 8 });
    assert.deepEqual(run.videos, { done: 0, total: 8 });

    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    // What the creator sees: every scene has its image and clip, served under /media.
    const project = await (await app.request(`/api/v1/projects/${projectId}`)).json();
    const sentences = project.sections.flatMap((s: { sentences: unknown[] }) => s.sentences);
    assert.equal(sentences.length, 8);
    for (const s of sentences) {
      assert.equal(s.image.status, "done");
      assert.equal(s.video.status, "done");
      assert.equal(s.image.attempts, 1);
      assert.match(s.image.url, /^\/media\/projects\/\d+\/sentences\/\d+\/image-.+\.png$/);
      assert.match(s.video.url, /^\/media\/projects\/\d+\/sentences\/\d+\/video-.+\.mp4$/);
      assert.ok(s.videoPrompt.length > 20, "the empty video prompt was written");
    }
    const png = await app.request(sentences[0].image.url);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get("content-type"), "image/png");
    assert.deepEqual(readPngSize(new Uint8Array(await png.arrayBuffer())), { width: 1280, height: 720 });
    const mp4 = await app.request(sentences[0].video.url);
    assert.equal(mp4.status, 200);
    await mp4.body?.cancel();

    const summary = (await (await app.request(`/api/v1/projects/${projectId}/scene-run`)).json()).run;
    assert.equal(summary.status, "completed");
    assert.equal(summary.finishedScenes, 8);
    assert.deepEqual(summary.images, { done: 8, total: 8 });
    assert.deepEqual(summary.videos, { done: 8, total: 8 });
    assert.deepEqual(summary.failed, []);

    // Events: started first, completed last, and per sentence image done → video queued → running → done.
    const events = await db.sql<{ id: string; type: string; data: Record<string, unknown> }[]>`
      select id, type, data from events where project_id = ${projectId} order by id`;
    assert.equal(events[0].type, "run.started");
    assert.equal(events.at(-1)!.type, "run.completed");
    assert.equal((events.at(-1)!.data as { failedScenes: number }).failedScenes, 0);
    assert.equal(events.filter((e) => e.type === "run.completed").length, 1);
    for (const id of sentenceIds) {
      const mine = sceneSteps(events, id);
      assert.deepEqual(mine, [
        "image:queued",
        "image:running",
        "image:done",
        "video:queued",
        "video:running",
        "video:done",
      ], `events of sentence ${id}`);
      const running = events.find((e) =>
        e.data.sentenceId === id && e.data.part === "video" && e.data.status === "running"
      );
      assert.equal(typeof running!.data.videoPrompt, "string", "the video.running event carries the written prompt");
    }
    const progress = events.filter((e) => e.type === "run.progress").map((e) => e.data.finishedScenes as number);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress only goes up");

    // One image and one video at a time, across both workers; images and videos overlap.
    for (const kind of ["image", "video"] as const) {
      const mine = calls.filter((c) => c.kind === kind).sort((a, b) => a.started - b.started);
      assert.equal(mine.length, 8);
      for (let i = 1; i < mine.length; i++) {
        assert.ok(mine[i].started >= mine[i - 1].ended, `${kind} calls ${i - 1} and ${i} overlap`);
      }
    }
    const overlapping = calls.filter((c) => c.kind === "image").some((img) =>
      calls.some((v) => v.kind === "video" && v.started < img.ended && img.started < v.ended)
    );
    assert.ok(overlapping, "video work overlaps later image work");
    // Scene 1's image is made first (jobs run in scene order).
    assert.equal(calls.filter((c) => c.kind === "image")[0].prompt, sentences[0].imagePrompt);

    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("a queue's next job starts when its previous part is done, without waiting for a wake-up or a poll", async () => {
  // The part's done transaction completes its graphile-worker job, so the worker that ran it finds
  // the queue's next job at once. Without that, the queue would still be locked when the worker
  // looked, and (with the wake-up trigger off) nothing would wake it before its 60 s poll.
  const db = await freshDatabase("engine_handoff");
  const config = await testConfig(db, { WORKER_POLL_MS: "60000" });
  await db.sql`alter table graphile_worker._private_job_queues disable trigger studio_wake_workers`;
  const { providers, calls } = recordedSimulated(10, 10);
  let worker;
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 4);
    for (const id of sentenceIds) await regenerateScene(db.sql, id, ["image"], { maxAttempts: 3 });
    worker = await startTestWorker(db, config, providers);
    assert.equal(await waitForRunEnd(db.sql, projectId, 20_000), "completed");
    assert.equal(calls.filter((c) => c.kind === "image").length, 4);
    const [{ jobs }] = await db.sql`select count(*)::int as jobs from graphile_worker.jobs`;
    assert.equal(jobs, 0, "no job is left behind");
    const [{ locked }] = await db.sql`
      select count(*)::int as locked from graphile_worker._private_job_queues where locked_by is not null`;
    assert.equal(locked, 0, "no queue is left locked");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker?.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("a job that a concurrent fetch hid starts at once, not after the poll interval", async () => {
  // As scene 1's image finishes, its queue unlocks and its video is queued: the finishing worker and
  // the workers the wake-up nudges fetch at the same moment, and graphile-worker's fetch locks every
  // named queue while it picks a job, so one of them can come back empty. Each job that starts has
  // another worker look again; without it the video could wait behind scene 2's slow image, or for
  // the 60 s poll.
  const db = await freshDatabase("engine_hidden_job");
  const config = await testConfig(db, { WORKER_POLL_MS: "60000" });
  // Images take 200 ms, videos 50 ms; [slow] makes scene 2's image take 2 s.
  const { providers, calls } = recordedSimulated(200, 50);
  const worker = await startTestWorker(db, config, providers);
  try {
    for (let round = 0; round < 4; round++) {
      const { projectId, sentenceIds } = await makeProject(db.sql, 2);
      await db.sql`update sentences set image_prompt = '[slow] ' || image_prompt where id = ${sentenceIds[1]}`;
      calls.length = 0;
      const app = createApp({ sql: db.sql, config });
      assert.equal((await post(app, `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
      assert.equal(await waitForRunEnd(db.sql, projectId, 30_000), "completed");
      const slowImage = calls.find((c) => c.kind === "image" && c.prompt.includes("[slow]"))!;
      const firstVideo = calls.filter((c) => c.kind === "video").sort((a, b) => a.started - b.started)[0];
      assert.ok(
        firstVideo.started < slowImage.ended,
        `round ${round + 1}: scene 1's video started ${
          (firstVideo.started - slowImage.ended).toFixed(0)
        } ms after scene 2's slow image ended`,
      );
    }
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("scenes already done are left alone; a 9:16 project gets portrait media", async () => {
  const db = await freshDatabase("engine_skip");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeProject(db.sql, 4, { aspectRatio: "9:16" });
    assert.equal((await post(app, `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const [first] = await db.sql`select image_path from scene_states where id = ${sentenceIds[0]}`;
    const png = await Deno.readFile(join(mediaRoot(config.dataDir), first.image_path));
    assert.deepEqual(readPngSize(png), { width: 720, height: 1280 });

    // Sentence 2 loses its video, sentence 3 its image (and so its clip must be remade too).
    await setPart(db.sql, sentenceIds[1], "video", { status: "failed", path: null, error: "x" });
    await setPart(db.sql, sentenceIds[2], "image", { status: "idle", path: null });
    const before = await db.sql`select id, image_path, video_path, image_updated_at, video_updated_at from scene_states
      where id in (${sentenceIds[0]}, ${sentenceIds[3]}) order by id`;

    const res = await post(app, `/api/v1/projects/${projectId}/generate-scenes`);
    assert.equal(res.status, 202);
    const { run } = await res.json();
    assert.equal(run.totalScenes, 2);
    assert.deepEqual(run.images, { done: 0, total: 1 });
    assert.deepEqual(run.videos, { done: 0, total: 2 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    const after = await db.sql`select id, image_path, video_path, image_updated_at, video_updated_at from scene_states
      where id in (${sentenceIds[0]}, ${sentenceIds[3]}) order by id`;
    assert.deepEqual(after, before, "done scenes untouched");
    const redone = await db.sql`select image_status, video_status, video_attempts from scene_states where id in (${
      sentenceIds[1]
    }, ${sentenceIds[2]})`;
    assert.ok(redone.every((r) => r.image_status === "done" && r.video_status === "done"));

    // Nothing left to do: a clear 409, and nothing changes.
    const runsBefore = (await db.sql`select count(*)::int as n from scene_runs`)[0].n;
    const again = await post(app, `/api/v1/projects/${projectId}/generate-scenes`);
    assert.equal(again.status, 409);
    assert.match((await again.json()).error, /already has its image and video/);
    assert.equal((await db.sql`select count(*)::int as n from scene_runs`)[0].n, runsBefore);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("a new run's counts, taken from the parts it queued, are the counts read back from its parts", async () => {
  const db = await freshDatabase("engine_new_run_counts");
  const settings = { maxAttempts: 3, imagesFirst: true };
  try {
    const { projectId, sentenceIds: ids } = await makeProject(db.sql, 6);
    // Scenes 1-2 have their image (Generate All queues their video, held behind the images), scene 3
    // has both, scene 4's image failed; the others have nothing.
    for (const id of ids.slice(0, 3)) await setPart(db.sql, id, "image", { status: "done", path: `i${id}.png` });
    await setPart(db.sql, ids[2], "video", { status: "done", path: `v${ids[2]}.mp4` });
    await setPart(db.sql, ids[3], "image", { status: "failed", error: "boom" });
    await setPart(db.sql, ids[5], "audio", { status: "failed", error: "boom" });
    const started = async (start: Promise<StartedRun>) => {
      const { run, created } = await start;
      assert.ok(created);
      assert.deepEqual(run, await runSummary(db.sql, run.id), "the counts returned");
      const [event] = await db.sql<{ data: RunSummary }[]>`
        select data from events where run_id = ${run.id} and type = 'run.started'`;
      assert.deepEqual(event.data, run, "the counts of run.started");
      await cancelRun(db.sql, projectId);
      return run;
    };
    const all = await started(startRun(db.sql, projectId, settings));
    assert.deepEqual([all.totalScenes, all.images.total, all.videos.total], [5, 3, 5]);
    const [{ held }] = await db.sql`select count(*)::int as held from scene_parts where phase = 'held'`;
    assert.equal(held, 0, "cancelled, nothing stays held");
    await started(regenerateScene(db.sql, ids[0], ["image", "audio"], settings));
    await started(startNarration(db.sql, projectId, settings));
    await setPart(db.sql, ids[3], "image", { status: "failed", error: "boom" });
    await setPart(db.sql, ids[5], "audio", { status: "failed", error: "boom" });
    const retried = await started(retryFailed(db.sql, projectId, settings));
    assert.deepEqual([retried.totalScenes, retried.images.total, retried.audio.total], [2, 1, 1]);
  } finally {
    await db.drop();
  }
});
