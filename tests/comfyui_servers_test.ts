// Several GPU servers (COMFYUI_URLS): the real engine, two workers and the ComfyUI provider against
// two fake ComfyUI servers. Each server has its own queue: both receive prompts, neither ever holds
// two of ours at once (queued or running), and the run completes. (Payloads are read from
// graphile-worker 0.18's _private_jobs: its jobs view leaves them out.) With one server the queues stay
// as they were (`images`, `videos`, no server in the payload).
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { runSettings } from "../core/engine/run_settings.ts";
import { startRun } from "../core/engine/runs.ts";
import { enqueuePartJobs } from "../core/engine/jobs.ts";
import { serverQueue } from "../core/engine/gpu_servers.ts";
import type { Providers } from "../providers/from_config.ts";
import { type FakeComfyUI, startFakeComfyUI } from "./fakes/comfyui_server.ts";
import { comfyProvider, imageRequest, mediaDir } from "./helpers/comfyui.ts";
import { ProviderError } from "../providers/types.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import {
  makeProject,
  removeDataDir,
  startTestWorker,
  TEST_ENV,
  testConfig,
  waitFor,
  waitForRunEnd,
} from "./helpers/worker.ts";

/** Each of our prompts on a fake: from the moment it was queued there to its end (the fake's clock). */
function promptSpans(fake: FakeComfyUI): { id: string; queued: number; end: number }[] {
  const spans = new Map<string, { id: string; queued: number; end: number }>();
  for (const e of fake.timeline) {
    if (!e.promptId || (e.event !== "queued" && e.event !== "end")) continue;
    const span = spans.get(e.promptId) ?? { id: e.promptId, queued: NaN, end: NaN };
    if (e.event === "queued") span.queued = e.at;
    else span.end = e.at;
    spans.set(e.promptId, span);
  }
  return [...spans.values()];
}

/** Prompts that were on the server together (one queued before the other ended). */
function together(spans: { id: string; queued: number; end: number }[]): string[] {
  const out: string[] = [];
  for (const [i, a] of spans.entries()) {
    for (const b of spans.slice(i + 1)) {
      if (a.queued < b.end && b.queued < a.end) out.push(`${a.id} [${a.queued}, ${a.end}] and ${b.id} [${b.queued}]`);
    }
  }
  return out;
}

Deno.test("two GPU servers in COMFYUI_URLS: each has its own queue, both receive prompts, neither holds two at once, and the run completes", async () => {
  const gpus = [await startFakeComfyUI({ stepMs: 2 }), await startFakeComfyUI({ stepMs: 2 })];
  const db = await freshDatabase("comfy_servers");
  const comfyEnv = { COMFYUI_URLS: gpus.map((g) => g.url).join(",") };
  const config = await testConfig(db, {
    IMAGE_PROVIDER: "comfyui",
    VIDEO_PROVIDER: "comfyui",
    ...comfyEnv,
  });
  // Two worker pools, as two worker processes would be, each with its own provider.
  const providers: Providers[] = [0, 1].map(() => {
    const provider = comfyProvider(comfyEnv);
    return { image: provider, video: provider, close: () => provider.close() };
  });
  const workers = await Promise.all(providers.map((p) => startTestWorker(db, config, p)));
  const app = createApp({ sql: db.sql, config, providers: providers[0] });
  try {
    const { projectId } = await makeProject(db.sql, 8);
    const res = await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" });
    assert.equal(res.status, 202, await res.text());
    // While it runs, every part job is on a server's queue and carries that server.
    const queues = new Set<string>();
    await waitFor(
      "jobs on both servers' queues",
      async () => {
        const jobs = await db.sql<{ queue_name: string; server: string | null }[]>`
        select j.queue_name, p.payload->>'server' as server
        from graphile_worker.jobs j join graphile_worker._private_jobs p using (id)
        where j.task_identifier in ('generate_image', 'generate_video')`;
        for (const job of jobs) {
          assert.equal(job.queue_name, serverQueue(job.server ?? "(none)"));
          queues.add(job.queue_name);
        }
        return queues.size === 2;
      },
      30_000,
      10,
    );
    assert.equal(await waitForRunEnd(db.sql, projectId, 90_000), "completed");
    const [{ done }] = await db.sql`
      select count(*)::int as done from scene_states
      where project_id = ${projectId} and image_status = 'done' and video_status = 'done'`;
    assert.equal(done, 8);
    const spans = gpus.map(promptSpans);
    for (const [i, s] of spans.entries()) {
      assert.ok(s.length >= 2, `server ${i + 1} received ${s.length} prompts`);
      assert.deepEqual(together(s), [], `server ${i + 1} held two of our prompts at once`);
    }
    assert.equal(spans[0].length + spans[1].length, 16, "one prompt per image and video");
    // The servers ran side by side: some prompt of one ran while the other had one.
    const overlap = spans[0].some((a) => spans[1].some((b) => a.queued < b.end && b.queued < a.end));
    assert.ok(overlap, "the two servers worked at the same time");
    await assertInvariants(db.sql, { quiescent: true });
    console.log(`prompts per server: ${spans.map((s) => s.length).join(", ")}`);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    for (const p of providers) p.close();
    await db.drop();
    await removeDataDir(config);
    await Promise.all(gpus.map((g) => g.close()));
  }
});

Deno.test("a retry moves to the other server: an image that ran out of memory on the first is made on the second", async () => {
  const gpus = [await startFakeComfyUI({ stepMs: 1 }), await startFakeComfyUI({ stepMs: 1 })];
  const db = await freshDatabase("comfy_servers_retry");
  const comfyEnv = { COMFYUI_URLS: gpus.map((g) => g.url).join(",") };
  const config = await testConfig(db, {
    IMAGE_PROVIDER: "comfyui",
    VIDEO_PROVIDER: "comfyui",
    RETRY_BACKOFF_MS: "50",
    ...comfyEnv,
  });
  const provider = comfyProvider(comfyEnv);
  const providers: Providers = { image: provider, video: provider, close: () => provider.close() };
  const worker = await startTestWorker(db, config, providers);
  try {
    // One scene: its image goes to the first server (both idle), which runs out of memory. When the
    // retry is queued, the failing job still counts on the first server, so the idle second wins.
    gpus[0].inject({ error: "oom" });
    const { projectId } = await makeProject(db.sql, 1);
    await startRun(db.sql, projectId, runSettings(config));
    assert.equal(await waitForRunEnd(db.sql, projectId, 60_000), "completed");
    const [scene] = await db.sql`select image_status, image_attempts, video_status from scene_states
      where project_id = ${projectId}`;
    assert.deepEqual([scene.image_status, scene.image_attempts, scene.video_status], ["done", 2, "done"]);
    const outcome = (g: FakeComfyUI, id: string) =>
      (g.executor.history.get(id) as { status?: { status_str?: string } } | undefined)?.status?.status_str;
    const first = promptSpans(gpus[0]).map((p) => outcome(gpus[0], p.id));
    const second = promptSpans(gpus[1]).map((p) => outcome(gpus[1], p.id));
    assert.equal(first[0], "error", "the first attempt ran on the first server and failed");
    assert.equal(second[0], "success", "the retry ran on the second server");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    providers.close();
    await db.drop();
    await removeDataDir(config);
    await Promise.all(gpus.map((g) => g.close()));
  }
});

Deno.test("one GPU server (COMFYUI_URL): jobs stay on the `images`, `videos` and `audio` queues, without a server", async () => {
  const db = await freshDatabase("comfy_one_server_queues");
  const config = loadConfig({
    ...TEST_ENV,
    IMAGE_PROVIDER: "comfyui",
    VIDEO_PROVIDER: "comfyui",
    COMFYUI_URL: "http://127.0.0.1:9",
    DATABASE_URL: db.url,
  });
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 2);
    await startRun(db.sql, projectId, runSettings(config));
    await db.sql.begin((tx) =>
      enqueuePartJobs(tx, [
        { part: "video", runId: 1, sentenceId: sentenceIds[0] },
        { part: "audio", runId: 1, sentenceId: sentenceIds[0] },
      ], runSettings(config))
    );
    const jobs = await db.sql<{ key: string; queue_name: string; payload: Record<string, unknown> }[]>`
      select j.key, j.queue_name, p.payload
      from graphile_worker.jobs j join graphile_worker._private_jobs p using (id) order by j.key`;
    assert.deepEqual(jobs.map((j) => [j.key, j.queue_name]), [
      [`audio:${sentenceIds[0]}`, "audio"],
      [`image:${sentenceIds[0]}`, "images"],
      [`image:${sentenceIds[1]}`, "images"],
      [`video:${sentenceIds[0]}`, "videos"],
    ]);
    for (const job of jobs) assert.deepEqual(Object.keys(job.payload).sort(), ["runId", "sentenceId"]);
  } finally {
    await db.drop();
  }
});

Deno.test("the provider sends a part to the server it was assigned, and refuses (transient) one it does not list", async () => {
  const gpus = [await startFakeComfyUI({ stepMs: 1 }), await startFakeComfyUI({ stepMs: 1 })];
  const provider = comfyProvider({ COMFYUI_URLS: gpus.map((g) => g.url).join(",") });
  const { dir, cleanup } = await mediaDir();
  try {
    await provider.generateImage(imageRequest(dir, { server: gpus[1].url }));
    assert.deepEqual(gpus.map((g) => promptSpans(g).length), [0, 1]);
    await provider.generateImage(imageRequest(dir));
    assert.deepEqual(gpus.map((g) => promptSpans(g).length), [1, 1], "no server given: the first");
    await assert.rejects(provider.generateImage(imageRequest(dir, { server: "http://gone:8188" })), (e: Error) => {
      assert.ok(e instanceof ProviderError && e.transient);
      assert.match(
        e.message,
        /assigned to the ComfyUI server http:\/\/gone:8188, which this worker's settings no longer list/,
      );
      return true;
    });
    const status = await provider.status!("image");
    assert.equal(status.reachable, true);
    assert.equal(status.server, gpus.map((g) => g.url).join(", "));
  } finally {
    provider.close();
    await cleanup();
    await Promise.all(gpus.map((g) => g.close()));
  }
});
