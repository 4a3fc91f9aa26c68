/**
 * How the ComfyUI provider reports failures (FACTS.md §3), against the fake ComfyUI: each a sentence
 * for the card, transient (retried) or permanent, and never a hang: socket drops and silences fall
 * back to polling, a restarted server that lost the prompt and a per-part timeout end the part.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createComfyUIProvider } from "../providers/comfyui/provider.ts";
import { loadComfyUISettings } from "../providers/comfyui/settings.ts";
import { PRESETS } from "../providers/comfyui/workflows/presets.ts";
import { readPngSize } from "../providers/fixtures/media_checks.ts";
import { ProviderError } from "../providers/types.ts";
import { startFakeComfyUI } from "./fakes/comfyui_server.ts";
import {
  comfyProvider,
  FAST,
  imageRequest,
  mediaDir,
  submittedGraphs,
  videoRequest,
  waitFor,
  withComfy,
} from "./helpers/comfyui.ts";

/** Asserts `promise` rejects with a ProviderError of that kind whose message matches. */
async function rejectsWith(promise: Promise<unknown>, transient: boolean, message: RegExp): Promise<ProviderError> {
  let caught: ProviderError | undefined;
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ProviderError, `not a ProviderError: ${error}`);
    assert.match(error.message, message);
    assert.equal(error.transient, transient, error.message);
    assert.doesNotMatch(error.message, /\/home\/|\/srv\/|[A-Z]:\\/, "no server paths");
    caught = error;
    return true;
  });
  return caught!;
}

Deno.test("a model file missing at submit: permanent, naming node, input and value, and listing what the server has", async () => {
  await withComfy({}, async ({ fake, provider, dir }) => {
    await provider.generateImage(imageRequest(dir)); // preflight passed; then the file goes away
    fake.models.checkpoints = ["dreamshaper_8.safetensors", "sd_xl_base_1.0.safetensors"];
    await rejectsWith(
      provider.generateImage(imageRequest(dir)),
      false,
      /^ComfyUI does not have "flux1-schnell-fp8\.safetensors" for input "ckpt_name" of node 1 \(Load Checkpoint \(Flux schnell fp8\)\): put the file in ComfyUI\/models\/checkpoints\/ on the server .* The server has: dreamshaper_8\.safetensors, sd_xl_base_1\.0\.safetensors\.$/,
    );
    // Over 20 files ComfyUI only says "list of length N": the provider asks /models/checkpoints.
    fake.models.checkpoints = Array.from({ length: 24 }, (_, i) => `model_${String(i).padStart(2, "0")}.safetensors`);
    await rejectsWith(
      provider.generateImage(imageRequest(dir)),
      false,
      /The server has: model_00\.safetensors, model_01\.safetensors, model_02\.safetensors, model_03\.safetensors, model_04\.safetensors and 19 more\.$/,
    );
    assert.ok(fake.requests.some((r) => r.path === "/models/checkpoints"));
    assert.ok(fake.idle(), "nothing was queued");
  });
});

Deno.test("a model missing when the server is first reached: the preflight sentence, nothing queued", async () => {
  await withComfy({
    fake: { models: { diffusion_models: [], text_encoders: [], vae: [], checkpoints: [], loras: [] } },
  }, async ({ fake, provider, dir }) => {
    await rejectsWith(
      provider.imageToVideo(await videoRequest(dir)),
      false,
      /^The ComfyUI server at http:\/\/127\.0\.0\.1:\d+ lacks 3 model files that the built-in "wan22-5b" workflow needs: put wan2\.2_ti2v_5B_fp16\.safetensors in ComfyUI\/models\/diffusion_models\/, umt5_xxl_fp8_e4m3fn_scaled\.safetensors in ComfyUI\/models\/text_encoders\/, wan2\.2_vae\.safetensors in ComfyUI\/models\/vae\//,
    );
    assert.equal(submittedGraphs(fake).length, 0);
    assert.equal(fake.files.inputFiles().length, 0, "the still was not even uploaded");
  });
});

Deno.test("a node type that is not installed: permanent, naming what to install", async () => {
  await withComfy({}, async ({ fake, provider, dir }) => {
    await provider.imageToVideo(await videoRequest(dir));
    delete fake.catalog.CreateVideo; // e.g. the server was downgraded meanwhile
    await rejectsWith(
      provider.imageToVideo(await videoRequest(dir)),
      false,
      /^ComfyUI cannot run the built-in "wan22-5b" workflow: node 11 \(Create Video\) needs the node type "CreateVideo", which the server does not have; "CreateVideo" is part of ComfyUI itself, so this server is too old: update ComfyUI and restart it\.$/,
    );
  });
});

Deno.test("out of memory is transient; on the last attempt it suggests the lighter preset", async () => {
  await withComfy({ env: { COMFYUI_VIDEO_WORKFLOW: "wan22-14b" } }, async ({ fake, provider, dir }) => {
    fake.inject({ classType: "KSamplerAdvanced", error: "oom", times: 2 });
    await rejectsWith(
      provider.imageToVideo(await videoRequest(dir, { attempt: 1, maxAttempts: 3 })),
      true,
      /^The GPU ran out of memory in node 13 \(Sampler \(high noise\)\)\. The part will be retried\.$/,
    );
    assert.ok(
      fake.timeline.some((e) => e.event === "unload" && e.detail === "out of memory"),
      "ComfyUI unloaded its models",
    );
    await rejectsWith(
      provider.imageToVideo(await videoRequest(dir, { attempt: 3, maxAttempts: 3 })),
      true,
      /^The GPU ran out of memory in node 13 \(Sampler \(high noise\)\)\. Set COMFYUI_VIDEO_WORKFLOW=wan22-5b for a lighter workflow, or free the GPU of other programs\.$/,
    );
    const media = await provider.imageToVideo(await videoRequest(dir, { attempt: 2 }));
    assert.equal(media.frames, 81, "the next attempt succeeds");
  });
});

Deno.test("another execution error is permanent with ComfyUI's message, server paths removed", async () => {
  await withComfy({}, async ({ fake, provider, dir }) => {
    fake.inject({
      classType: "VAEDecode",
      error: {
        type: "RuntimeError",
        message:
          "Error while loading /home/comfy/ComfyUI/models/vae/ae.safetensors: invalid header\n\ntraceback follows",
      },
    });
    await rejectsWith(
      provider.generateImage(imageRequest(dir)),
      false,
      /^ComfyUI failed in node 6 \(Decode\): RuntimeError: Error while loading ae\.safetensors: invalid header\.$/,
    );
  });
});

Deno.test("a refused connection is transient and says whether ComfyUI runs", async () => {
  const gone = await startFakeComfyUI();
  await gone.close();
  const { dir, cleanup } = await mediaDir();
  const provider = comfyProvider({ COMFYUI_URL: gone.url });
  try {
    await rejectsWith(provider.generateImage(imageRequest(dir)), true, /could not be reached .*Is ComfyUI running\?$/);
    await rejectsWith(provider.preflight!(), true, /could not be reached/);
  } finally {
    provider.close();
    await cleanup();
  }
});

Deno.test("a 5xx answer is transient", async () => {
  await withComfy({}, async ({ fake, provider, dir }) => {
    await provider.generateImage(imageRequest(dir));
    fake.failRequests("/prompt", 502);
    await rejectsWith(
      provider.generateImage(imageRequest(dir)),
      true,
      /had an internal error \(HTTP 502\)\. The part will be retried\.$/,
    );
    fake.failRequests("/upload/image", 500);
    await rejectsWith(provider.imageToVideo(await videoRequest(dir)), true, /HTTP 500/);
    await provider.generateImage(imageRequest(dir));
  });
});

Deno.test("the per-part timeout ends a part stuck in the queue, transiently, and takes it off the queue", async () => {
  const fake = await startFakeComfyUI({ stepMs: 20 });
  const { dir, cleanup } = await mediaDir();
  const settings = { ...loadComfyUISettings({ COMFYUI_URL: fake.url }, { image: true, video: true }), timeoutS: 1 };
  const provider = createComfyUIProvider(settings, FAST);
  try {
    await fake.submitForeign({ steps: 200 });
    const started = performance.now();
    await rejectsWith(
      provider.generateImage(imageRequest(dir)),
      true,
      /^ComfyUI did not finish this part within 1 second \(COMFYUI_TIMEOUT_S\); it was cancelled on the server and will be retried\.$/,
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 1000 && elapsed < 2500, `took ${Math.round(elapsed)} ms`);
    assert.equal(fake.executor.pending.length, 0, "our prompt was deleted from the queue");
    assert.equal(fake.executor.running?.item.extra.client_id, "someone-else", "the other client's prompt still runs");
  } finally {
    provider.close();
    await fake.close();
    await cleanup();
  }
});

Deno.test("a socket dropped mid-prompt (and refused for a while): polling still completes the part", async () => {
  await withComfy({ fake: { stepMs: 20 } }, async ({ fake, provider, dir }) => {
    fake.onNodeStart(({ classType }) => {
      if (classType === "KSampler") fake.dropSockets(3000);
    });
    const request = imageRequest(dir);
    const media = await provider.generateImage(request);
    readPngSize(await Deno.readFile(media.path));
    assert.ok(fake.requests.some((r) => r.path.startsWith("/history/")), "it polled /history");
    assert.equal(fake.socketCount(), 0, "no socket got through meanwhile");
    assert.equal(request.reports.progress.at(-1), 1);
  });
});

Deno.test("after a drop the socket reconnects with backoff and live progress resumes", async () => {
  await withComfy({ fake: { stepMs: 30 } }, async ({ fake, provider, dir }) => {
    let droppedAt = 0;
    fake.onNodeStart(({ classType }) => {
      if (classType !== "KSampler") return;
      droppedAt = performance.now();
      fake.dropSockets(150);
    });
    const request = await videoRequest(dir); // 20 sampler steps × 30 ms
    const result = provider.imageToVideo(request);
    await waitFor(() => droppedAt > 0 && fake.socketCount() === 1, 3000, "the socket to come back");
    const reconnectedAfter = performance.now() - droppedAt;
    const progressBefore = request.reports.progress.length;
    await result;
    assert.ok(
      reconnectedAfter >= 150 && reconnectedAfter < 1000,
      `reconnected after ${Math.round(reconnectedAfter)} ms`,
    );
    assert.ok(request.reports.progress.length > progressBefore + 5, "progress kept coming over the new socket");
    assert.ok(fake.requests.filter((r) => r.path.startsWith("/ws")).length >= 3, "it retried the refused socket");
  });
});

Deno.test("a long silent node keeps the socket alive with keep-alive frames and ends normally", async () => {
  await withComfy({ fake: { stepMs: 1, classMs: { VAEDecode: 700 } } }, async ({ fake, provider, dir }) => {
    const media = await provider.generateImage(imageRequest(dir));
    readPngSize(await Deno.readFile(media.path));
    const keepAlives = fake.clientFrames.filter((frame) => JSON.parse(frame).type === "keepalive");
    assert.ok(keepAlives.length >= 2, `keep-alive frames: ${keepAlives.length}`);
  });
});

Deno.test("a still image that vanished is a permanent failure without our server's paths", async () => {
  await withComfy({}, async ({ provider, dir }) => {
    const request = await videoRequest(dir);
    await Deno.remove(request.image);
    await rejectsWith(provider.imageToVideo(request), false, /^The scene's still image is missing/);
  });
});

Deno.test("a socket that goes quiet: polling completes the part after the quiet period", async () => {
  await withComfy({ fake: { stepMs: 10 } }, async ({ fake, provider, dir }) => {
    fake.onNodeStart(({ classType }) => {
      if (classType === "KSampler") fake.muteSockets(true);
    });
    const started = performance.now();
    const media = await provider.generateImage(imageRequest(dir));
    readPngSize(await Deno.readFile(media.path));
    assert.ok(performance.now() - started < 2000);
  });
});

Deno.test("a server restart that loses the prompt is transient; so is one that stays down a while", async () => {
  await withComfy({ fake: { stepMs: 20 } }, async ({ fake, provider, dir }) => {
    fake.onNodeStart(({ classType }) => {
      if (classType === "KSampler") {
        fake.onNodeStart(undefined);
        void fake.restart();
      }
    });
    await rejectsWith(
      provider.generateImage(imageRequest(dir)),
      true,
      /^The ComfyUI server at http:\/\/127\.0\.0\.1:\d+ lost the prompt \(it is neither queued nor finished; the server probably restarted\)\. The part will be retried\.$/,
    );
    fake.onNodeStart(({ classType }) => {
      if (classType === "KSampler") {
        fake.onNodeStart(undefined);
        void fake.restart({ downMs: 400 });
      }
    });
    await rejectsWith(provider.generateImage(imageRequest(dir)), true, /lost the prompt/);
    const media = await provider.generateImage(imageRequest(dir));
    readPngSize(await Deno.readFile(media.path));
  });
});

Deno.test("a server that goes away mid-part and stays away: transient once the wait runs out", async () => {
  await withComfy({ fake: { stepMs: 20 }, tuning: { unreachableMs: 500 } }, async ({ fake, provider, dir }) => {
    fake.onNodeStart(({ classType }) => {
      if (classType === "KSampler") void fake.restart({ downMs: 3000 });
    });
    const started = performance.now();
    await rejectsWith(provider.generateImage(imageRequest(dir)), true, /could not be reached/);
    assert.ok(performance.now() - started < 2500);
    fake.onNodeStart(undefined);
  });
});

Deno.test("a prompt queued with node_errors (one output invalid) is a permanent failure and is taken off the queue", async () => {
  const { dir, cleanup } = await mediaDir();
  try {
    const graph = structuredClone(PRESETS["flux-schnell"].graph);
    graph["8"] = {
      class_type: "SaveImage",
      inputs: { images: ["9", 0], filename_prefix: "extra" },
      _meta: { title: "Extra Save" },
    };
    graph["9"] = { class_type: "VAEDecode", inputs: { samples: ["5", 0] }, _meta: { title: "Extra Decode" } };
    const path = join(dir, "two-outputs.json");
    await Deno.writeTextFile(path, JSON.stringify(graph));
    const bindings = join(dir, "bindings.json");
    await Deno.writeTextFile(bindings, JSON.stringify({ output: "7" }));
    await withComfy(
      { fake: { stepMs: 30 }, env: { COMFYUI_IMAGE_WORKFLOW: path, COMFYUI_IMAGE_BINDINGS: bindings } },
      async ({ fake, provider }) => {
        await rejectsWith(
          provider.generateImage(imageRequest(dir)),
          false,
          /^ComfyUI refused the workflow in two-outputs\.json: node 9 \(Extra Decode\), input "vae": Required input is missing \(vae\)\.$/,
        );
        await waitFor(() => fake.idle(), 1000, "the half-valid prompt to be gone");
        assert.ok(
          fake.requests.some((r) => r.path === "/queue" && r.method === "POST"),
          "it was deleted or interrupted",
        );
      },
    );
  } finally {
    await cleanup();
  }
});
