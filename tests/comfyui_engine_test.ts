// The whole bulk flow on ComfyUI: the real engine (Postgres, graphile-worker, the API) and the
// ComfyUI provider against the fake ComfyUI over HTTP and WebSocket. One server makes a run's
// images first (one model switch); two servers overlap videos with images; what is checked before
// a run; errors on cards (missing model, OOM retried, the lighter preset after the last attempt);
// "Waiting for the GPU"; cancel leaves ComfyUI idle; a dropped socket and a restarted server.
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import type { Providers } from "../providers/from_config.ts";
import { startFakeComfyUI } from "./fakes/comfyui_server.ts";
import { comfyProvider } from "./helpers/comfyui.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";

type Fake = Awaited<ReturnType<typeof startFakeComfyUI>>;

/** A studio (app + worker) on ComfyUI servers; `imageUrl`/`videoUrl` may be the same fake. */
async function studio(label: string, image: Fake, video: Fake, env: Record<string, string> = {}) {
  const db = await freshDatabase(label);
  const comfyEnv = {
    COMFYUI_IMAGE_URL: image.url,
    COMFYUI_VIDEO_URL: video.url,
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("COMFYUI_"))),
  };
  const config = await testConfig(db, {
    IMAGE_PROVIDER: "comfyui",
    VIDEO_PROVIDER: "comfyui",
    ...comfyEnv,
    ...env,
  });
  const provider = comfyProvider(comfyEnv);
  const providers: Providers = { image: provider, video: provider, close: () => provider.close() };
  const worker = await startTestWorker(db, config, providers);
  const app = createApp({ sql: db.sql, config, providers });
  const post = async (path: string, body?: unknown) => {
    const res = await app.request(path, {
      method: "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  return {
    db,
    config,
    app,
    post,
    async close() {
      await worker.stop();
      providers.close();
      await db.drop();
      await removeDataDir(config);
    },
  };
}

/** Start and end times (fake's clock) of each prompt, with whether it made a video. */
function prompts(fake: Fake): { id: string; video: boolean; start: number; end: number }[] {
  const out = new Map<string, { id: string; video: boolean; start: number; end: number }>();
  for (const e of fake.timeline) {
    if (!e.promptId || (e.event !== "start" && e.event !== "end")) continue;
    const entry = out.get(e.promptId) ?? { id: e.promptId, video: false, start: NaN, end: NaN };
    entry[e.event] = e.at;
    const graph = (fake.executor.history.get(e.promptId)?.prompt as unknown[] | undefined)?.[2] as
      | Record<string, { class_type: string }>
      | undefined;
    if (graph) entry.video = Object.values(graph).some((n) => n.class_type === "SaveVideo");
    out.set(e.promptId, entry);
  }
  return [...out.values()].filter((p) => !Number.isNaN(p.end));
}

Deno.test("one GPU server: a run makes all its images, then its videos (one model switch), and every scene is done", async () => {
  const fake = await startFakeComfyUI({ stepMs: 3, modelLoadMs: 150 });
  const s = await studio("comfy_one", fake, fake);
  try {
    const { projectId } = await makeProject(s.db.sql, 5);
    assert.equal((await s.post(`/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(s.db.sql, projectId, 60_000), "completed");
    const [{ done }] = await s.db.sql`
      select count(*)::int as done from scene_states
      where project_id = ${projectId} and image_status = 'done' and video_status = 'done'`;
    assert.equal(done, 5);
    const ran = prompts(fake);
    const images = ran.filter((p) => !p.video);
    const videos = ran.filter((p) => p.video);
    assert.equal(images.length, 5);
    assert.equal(videos.length, 5);
    assert.ok(Math.max(...images.map((p) => p.end)) <= Math.min(...videos.map((p) => p.start)), "images first");
    const loads = fake.timeline.filter((e) => e.event === "load_start").length;
    assert.equal(loads, 2, "the image model once, the video model once");
    // Videos waited for the images ("held"), visibly.
    const held = await s.db.sql`
      select 1 from events where data->>'part' = 'video' and data->>'phase' = 'held'`;
    assert.ok(held.length > 0);
    // Every take has the seed it was made with, exactly.
    const seeds = await s.db.sql`select seed::text from takes where seed is not null`;
    assert.equal(seeds.length, 10);
    await assertInvariants(s.db.sql, { quiescent: true });
  } finally {
    await s.close();
    await fake.close();
  }
});

Deno.test("two GPU servers: videos start as soon as their image is done, overlapping the remaining images", async () => {
  const images = await startFakeComfyUI({ stepMs: 10 });
  const videos = await startFakeComfyUI({ stepMs: 1 });
  const s = await studio("comfy_two", images, videos);
  try {
    const { projectId } = await makeProject(s.db.sql, 5);
    assert.equal((await s.post(`/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(s.db.sql, projectId, 60_000), "completed");
    const imageRuns = prompts(images);
    const videoRuns = prompts(videos);
    assert.equal(imageRuns.length, 5);
    assert.equal(videoRuns.length, 5);
    // The two fakes share one clock (performance.now()): the first video starts before the last image ends.
    assert.ok(Math.min(...videoRuns.map((p) => p.start)) < Math.max(...imageRuns.map((p) => p.end)), "overlap");
    await assertInvariants(s.db.sql, { quiescent: true });
  } finally {
    await s.close();
    await images.close();
    await videos.close();
  }
});

Deno.test("before a run: an unreachable server (503) or a missing model (409) is said in one sentence, and nothing is queued", async () => {
  const fake = await startFakeComfyUI();
  const s = await studio("comfy_preflight", fake, fake);
  try {
    const { projectId } = await makeProject(s.db.sql, 2);
    fake.models.diffusion_models = fake.models.diffusion_models.filter((m) => !m.startsWith("wan2.2_ti2v_5B"));
    let res = await s.post(`/api/v1/projects/${projectId}/generate-scenes`);
    assert.equal(res.status, 409);
    assert.match(res.body.error, /wan2\.2_ti2v_5B_fp16\.safetensors/);
    assert.match(res.body.error, /diffusion_models/);
    assert.match(res.body.error, /Nothing was queued\.$/);
    const status = await (await s.app.request("/api/v1/status")).json();
    assert.equal(status.backends.image.reachable, true);
    assert.equal(status.backends.image.provider, "comfyui");
    assert.ok(status.backends.image.gpu.name);
    await fake.close();
    res = await s.post(`/api/v1/projects/${projectId}/generate-scenes`);
    assert.equal(res.status, 503);
    assert.match(res.body.error, /Nothing was queued\.$/);
    const [{ runs }] = await s.db.sql`select count(*)::int as runs from scene_runs`;
    const [{ jobs }] = await s.db.sql`select count(*)::int as jobs from graphile_worker.jobs`;
    assert.deepEqual([runs, jobs], [0, 0]);
    const down = await (await s.app.request("/api/v1/status")).json();
    assert.equal(down.backends.video.reachable, false);
    assert.match(down.backends.video.message, /\./);
  } finally {
    await s.close();
  }
});

Deno.test("errors on the card: OOM is retried and succeeds; OOM on every attempt names the lighter preset; a model gone mid-run fails permanently", async () => {
  const fake = await startFakeComfyUI({ stepMs: 1 });
  const s = await studio("comfy_errors", fake, fake, {
    MAX_ATTEMPTS: "2",
    RETRY_BACKOFF_MS: "50",
    COMFYUI_VIDEO_WORKFLOW: "wan22-14b",
  });
  try {
    const { projectId, sentenceIds } = await makeProject(s.db.sql, 2);
    // Three video attempts in a row run out of memory: with two attempts per part, one scene's
    // video succeeds on its retry and the other's fails twice.
    fake.inject({ classType: "WanImageToVideo", error: "oom", times: 3 });
    assert.equal((await s.post(`/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(s.db.sql, projectId, 60_000), "completed");
    const rows = await s.db.sql`
      select id, video_status, video_attempts, video_error from scene_states where project_id = ${projectId} order by id`;
    const states = rows.map((r) => `${r.video_status}/${r.video_attempts}`).sort();
    assert.deepEqual(states, ["done/2", "failed/2"], JSON.stringify(rows));
    const failed = rows.find((r) => r.video_status === "failed")!;
    assert.match(failed.video_error, /out of memory/i);
    assert.match(failed.video_error, /Set COMFYUI_VIDEO_WORKFLOW=wan22-5b for a lighter workflow/, failed.video_error);
    assert.doesNotMatch(failed.video_error, /\/home\//, "no server paths");

    // A model file removed after the first check: the part fails at once, naming node, input and value.
    fake.models.checkpoints = [];
    const again = await s.post(`/api/v1/sentences/${sentenceIds[0]}/regenerate`, { parts: ["image"] });
    assert.equal(again.status, 202, "the server was checked once already (cached)");
    assert.equal(await waitForRunEnd(s.db.sql, projectId, 30_000), "completed");
    const [one] = await s.db.sql`select image_status, image_attempts, image_error from scene_states where id = ${
      sentenceIds[0]
    }`;
    assert.equal(one.image_status, "failed");
    assert.equal(one.image_attempts, 1, "permanent: no retry");
    assert.match(one.image_error, /flux1-schnell-fp8\.safetensors/);
    await assertInvariants(s.db.sql, { quiescent: true });
  } finally {
    await s.close();
    await fake.close();
  }
});

Deno.test("the card says 'Waiting for the GPU' while someone else's prompt runs; cancel leaves ComfyUI idle within a second", async () => {
  const fake = await startFakeComfyUI({ stepMs: 20 });
  const s = await studio("comfy_cancel", fake, fake);
  try {
    const { projectId } = await makeProject(s.db.sql, 3);
    await fake.submitForeign({ steps: 40 });
    assert.equal((await s.post(`/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    await waitFor("a part waiting for the GPU", async () => {
      const [row] = await s.db.sql`
        select 1 from events where type = 'scene.updated' and data->>'phase' = 'waiting' limit 1`;
      return row;
    }, 15_000);
    // Now ours runs: cancel while it is mid-prompt, with the rest still queued.
    await waitFor(
      "the other prompt to end and ours to run",
      () => prompts(fake).length >= 1 && fake.executor.running,
      15_000,
    );
    const cancelledAt = performance.now();
    const res = await s.post(`/api/v1/projects/${projectId}/cancel-scenes`);
    assert.equal(res.status, 200);
    await waitFor("ComfyUI to be idle", () => fake.idle(), 5000, 10);
    const idleMs = performance.now() - cancelledAt;
    assert.ok(idleMs < 1000, `ComfyUI idle ${Math.round(idleMs)} ms after the cancel`);
    assert.equal(await waitForRunEnd(s.db.sql, projectId), "cancelled");
    await assertInvariants(s.db.sql, { quiescent: true });
  } finally {
    await s.close();
    await fake.close();
  }
});

Deno.test("a socket dropped mid-prompt and a server restart that loses the queue: the run still completes", async () => {
  const fake = await startFakeComfyUI({ stepMs: 15 });
  const s = await studio("comfy_faults", fake, fake, { RETRY_BACKOFF_MS: "50" });
  try {
    const { projectId } = await makeProject(s.db.sql, 3);
    let prompts = 0;
    fake.onNodeStart(async ({ classType }) => {
      if (classType !== "KSampler") return;
      prompts++;
      if (prompts === 1) fake.dropSockets(200); // the first prompt: socket gone, polling finds the end
      if (prompts === 3) await fake.restart({ downMs: 200 }); // the third: the server forgets everything
    });
    assert.equal((await s.post(`/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(s.db.sql, projectId, 90_000), "completed");
    const rows = await s.db.sql`
      select image_status, video_status from scene_states where project_id = ${projectId}`;
    assert.ok(rows.every((r) => r.image_status === "done" && r.video_status === "done"), JSON.stringify(rows));
    const [lost] = await s.db.sql`
      select count(*)::int as n from events
      where type = 'scene.updated' and data->>'phase' = 'retrying'`;
    assert.ok(lost.n >= 1, "the prompt lost in the restart was retried");
    await assertInvariants(s.db.sql, { quiescent: true });
  } finally {
    await s.close();
    await fake.close();
  }
});
