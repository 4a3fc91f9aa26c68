/**
 * The ComfyUI provider against the fake ComfyUI over real HTTP and WebSocket: what a creator gets
 * (real PNG / MP4 files at the model's size and frame grid), what the card shows while it runs
 * (progress, "waiting for the GPU"), and how it finds its servers (status, two servers, custom
 * workflows). Failures, cancel and resilience have their own files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeWithFfmpeg, mp4TopLevelBoxes, readPngSize } from "../providers/fixtures/media_checks.ts";
import { ProviderError } from "../providers/types.ts";
import { startFakeComfyUI } from "./fakes/comfyui_server.ts";
import {
  comfyProvider,
  imageRequest,
  mediaDir,
  submittedGraphs,
  videoRequest,
  waitFor,
  withComfy,
} from "./helpers/comfyui.ts";

Deno.test("an image is a real PNG at the model's size, made from the prompt and seed, with progress", async () => {
  await withComfy({ fake: { stepMs: 15 } }, async ({ fake, provider, dir }) => {
    const request = imageRequest(dir, { seed: 2 ** 53 - 1 });
    const media = await provider.generateImage(request);
    assert.equal(media.mimeType, "image/png");
    assert.deepEqual({ width: media.width, height: media.height }, { width: 1280, height: 720 });
    assert.deepEqual(readPngSize(await Deno.readFile(media.path)), { width: 1280, height: 720 });
    const [graph] = submittedGraphs(fake);
    assert.equal(graph["2"].inputs.text, request.prompt);
    assert.equal(graph["5"].inputs.seed, 2 ** 53 - 1);
    assert.match(String(graph["7"].inputs.filename_prefix), /^scene-studio\/image-[0-9a-f]{8}$/);
    // flux-schnell samples 4 steps: the bar moves in quarters, then 1 once the file is in place.
    assert.deepEqual(request.reports.progress, [0.25, 0.5, 0.75, 0.99, 1]);
    assert.deepEqual(request.reports.statuses, [{ phase: "running" }]);
  });
});

Deno.test("a video is a real MP4 from the uploaded still, on the workflow's 4k+1 grid at its fps", async () => {
  await withComfy({ fake: { stepMs: 1 } }, async ({ fake, provider, dir }) => {
    const request = await videoRequest(dir, { width: 720, height: 1280, seconds: 4 });
    const media = await provider.imageToVideo(request);
    assert.deepEqual(
      {
        mime: media.mimeType,
        frames: media.frames,
        fps: media.fps,
        w: media.width,
        h: media.height,
        ms: media.durationMs,
      },
      { mime: "video/mp4", frames: 97, fps: 24, w: 704, h: 1280, ms: 4042 },
    );
    assert.deepEqual(mp4TopLevelBoxes(await Deno.readFile(media.path)).slice(0, 2), ["ftyp", "moov"]);
    await decodeWithFfmpeg(media.path);
    const [graph] = submittedGraphs(fake);
    const uploaded = fake.files.inputFiles();
    assert.equal(uploaded.length, 1);
    assert.equal(graph["6"].inputs.image, uploaded[0], "LoadImage gets the name the server returned");
    assert.deepEqual(
      [graph["7"].inputs.width, graph["7"].inputs.height, graph["7"].inputs.length, graph["11"].inputs.fps],
      [704, 1280, 97, 24],
    );
    assert.equal(graph["4"].inputs.text, request.prompt);
    assert.equal(graph["9"].inputs.seed, 99);
    assert.equal(request.reports.progress.at(-1), 1);
  });
});

Deno.test("the two-sampler Wan 14B workflow reports each stage as half the bar", async () => {
  await withComfy(
    { fake: { stepMs: 10 }, env: { COMFYUI_VIDEO_WORKFLOW: "wan22-14b-4step" } },
    async ({ provider, dir }) => {
      const request = await videoRequest(dir);
      const media = await provider.imageToVideo(request);
      assert.deepEqual([media.frames, media.fps, media.width, media.height], [81, 16, 832, 480]);
      assert.deepEqual(request.reports.progress, [0.25, 0.5, 0.75, 0.99, 1]);
      assert.deepEqual(provider.videoTiming?.(6), { frames: 81, fps: 16, seconds: 81 / 16 });
    },
  );
});

Deno.test("behind another client's prompt the part says it waits for the GPU, then that it runs", async () => {
  await withComfy({ fake: { stepMs: 10 } }, async ({ fake, provider, dir }) => {
    await fake.submitForeign({ steps: 60 });
    await fake.submitForeign({ steps: 5 });
    await waitFor(() => fake.executor.running !== undefined, 2000, "the foreign prompt to start");
    const request = imageRequest(dir);
    await provider.generateImage(request);
    const statuses = request.reports.statuses;
    assert.deepEqual(statuses[0], { phase: "waiting", queueAhead: 2 });
    assert.ok(statuses.some((s) => s.phase === "waiting" && s.queueAhead === 1), JSON.stringify(statuses));
    assert.deepEqual(statuses.at(-1), { phase: "running" });
    const starts = fake.timeline.filter((e) => e.event === "start").map((e) => e.clientId);
    assert.deepEqual(starts.slice(0, 2), ["someone-else", "someone-else"]);
    assert.equal(request.reports.progress.at(-1), 1);
  });
});

Deno.test("an identical re-render is answered from ComfyUI's cache but still yields a new file", async () => {
  await withComfy({ fake: { stepMs: 5 } }, async ({ fake, provider, dir }) => {
    const first = await provider.generateImage(imageRequest(dir, { seed: 7 }));
    const second = await provider.generateImage(imageRequest(dir, { seed: 7 }));
    assert.notEqual(first.path, second.path);
    readPngSize(await Deno.readFile(second.path));
    const last = [...fake.executor.history.values()].at(-1) as {
      status: { messages: [string, { nodes?: string[] }][] };
    };
    const cached = last.status.messages.find(([type]) => type === "execution_cached")![1].nodes!;
    assert.deepEqual(cached.sort(), ["1", "2", "3", "4", "5", "6"], "only the save node ran again");
  });
});

Deno.test("binary preview frames on the socket are ignored", async () => {
  await withComfy({ fake: { stepMs: 5, previews: true } }, async ({ provider, dir }) => {
    const request = imageRequest(dir);
    await provider.generateImage(request);
    assert.deepEqual(request.reports.progress, [0.25, 0.5, 0.75, 0.99, 1]);
  });
});

Deno.test("status reports the GPU, free VRAM and the queue; an unreachable server says so", async () => {
  await withComfy({ fake: { stepMs: 20 } }, async ({ fake, provider }) => {
    await fake.submitForeign({ steps: 20 });
    await fake.submitForeign({ steps: 1 });
    const status = await provider.status!("video");
    assert.equal(status.reachable, true);
    assert.equal(status.server, fake.url);
    assert.equal(status.gpu?.name, "NVIDIA GeForce RTX 4090");
    assert.equal(status.gpu?.vramTotal, 24 * 1024 ** 3);
    assert.ok(status.gpu!.vramFree > 0 && status.gpu!.vramFree < status.gpu!.vramTotal);
    assert.deepEqual(status.queue, { running: 1, pending: 1 });
  });
  const gone = await startFakeComfyUI();
  await gone.close();
  const provider = comfyProvider({ COMFYUI_URL: gone.url });
  const status = await provider.status!();
  provider.close();
  assert.equal(status.reachable, false);
  assert.match(
    status.message!,
    /^The ComfyUI server at http:\/\/127\.0\.0\.1:\d+ could not be reached .*Is ComfyUI running\?$/,
  );
});

Deno.test("images and videos go to two servers when COMFYUI_IMAGE_URL and COMFYUI_VIDEO_URL differ", async () => {
  const images = await startFakeComfyUI({ gpuName: "RTX 3090" });
  const videos = await startFakeComfyUI({ gpuName: "RTX 4090" });
  const { dir, cleanup } = await mediaDir();
  const provider = comfyProvider({ COMFYUI_IMAGE_URL: images.url, COMFYUI_VIDEO_URL: videos.url });
  try {
    assert.equal(provider.serverKey!("image"), images.url);
    assert.equal(provider.serverKey!("video"), videos.url);
    const still = await provider.generateImage(imageRequest(dir));
    await provider.imageToVideo(await videoRequest(dir, { image: still.path }));
    const ran = (fake: typeof images) => fake.timeline.filter((e) => e.event === "start").length;
    assert.deepEqual([ran(images), ran(videos)], [1, 1]);
    assert.equal(submittedGraphs(images)[0]["7"].class_type, "SaveImage");
    assert.equal(submittedGraphs(videos)[0]["12"].class_type, "SaveVideo");
    assert.equal((await provider.status!("image")).gpu?.name, "RTX 3090");
    assert.equal((await provider.status!("video")).gpu?.name, "RTX 4090");
  } finally {
    provider.close();
    await images.close();
    await videos.close();
    await cleanup();
  }
});

Deno.test("a custom workflow runs with inferred bindings; one that lacks a binding fails with how to fix it", async () => {
  const { dir, cleanup } = await mediaDir();
  try {
    const workflowPath = join(dir, "my-wan.json");
    await Deno.copyFile(
      new URL("../providers/comfyui/testdata/wan22_5B_ti2v_i2v.api.json", import.meta.url),
      workflowPath,
    );
    await withComfy(
      { fake: { stepMs: 1 }, env: { COMFYUI_VIDEO_WORKFLOW: workflowPath } },
      async ({ fake, provider }) => {
        const media = await provider.imageToVideo(await videoRequest(dir));
        assert.deepEqual([media.frames, media.fps, media.width, media.height], [121, 24, 1280, 704]);
        const [graph] = submittedGraphs(fake);
        assert.equal(graph["6"].inputs.text, "The camera slowly pushes in as waves crash below");
        assert.equal(graph["56"].inputs.image, fake.files.inputFiles()[0]);
      },
    );
    const noStart = JSON.parse(await Deno.readTextFile(workflowPath));
    noStart["55"].inputs.start_image = ["8", 0]; // the LoadImage feeds nothing it can be told by
    noStart["60"] = { class_type: "LoadImage", inputs: { image: "other.png" } };
    const brokenPath = join(dir, "broken.json");
    await Deno.writeTextFile(brokenPath, JSON.stringify(noStart));
    await withComfy({ env: { COMFYUI_VIDEO_WORKFLOW: brokenPath } }, async ({ fake, provider }) => {
      await assert.rejects(provider.imageToVideo(await videoRequest(dir)), (error: ProviderError) => {
        assert.equal(error.transient, false);
        assert.equal(
          error.message,
          'Scene Studio cannot tell which node of the workflow in broken.json takes the start image: name it in a binding file set in COMFYUI_VIDEO_BINDINGS, e.g. {"image": "12.image"}.',
        );
        return true;
      });
      await assert.rejects(provider.preflight!("video"), /cannot tell which node/);
      assert.equal(submittedGraphs(fake).length, 0, "nothing was queued");
    });
  } finally {
    await cleanup();
  }
});

Deno.test("switching between image and video workflows on one server pays a model load each time", async () => {
  await withComfy({ fake: { stepMs: 1, modelLoadMs: 200 } }, async ({ fake, provider, dir }) => {
    const durations: number[] = [];
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      durations.push(performance.now() - started);
    };
    await timed(() => provider.generateImage(imageRequest(dir, { seed: 1 })));
    await timed(() => provider.generateImage(imageRequest(dir, { seed: 2 })));
    await timed(async () => provider.imageToVideo(await videoRequest(dir)));
    await timed(() => provider.generateImage(imageRequest(dir, { seed: 3 })));
    const started = fake.timeline.filter((e) => e.event === "start").map((e) => e.promptId);
    const loaded = new Set(fake.timeline.filter((e) => e.event === "load_start").map((e) => e.promptId));
    assert.deepEqual(
      started.map((id) => loaded.has(id)),
      [true, false, true, true],
      "a load for every switch, none for a repeat",
    );
    for (const i of [0, 2, 3]) assert.ok(durations[i] >= 200, `part ${i} waited for its load: ${durations[i]} ms`);
  });
});
