/**
 * Scheduling runs for the GPU: 24 scenes on fake ComfyUI servers (tests/fakes/comfyui_server.ts)
 * through the real engine (Postgres, graphile-worker, the ComfyUI provider over HTTP + WebSocket).
 * The fake's sampler step time sets the work: flux-schnell samples 4 steps per image, wan22-5b 20
 * per clip (so a clip costs five images), and switching the loaded model set costs `--load-ms`.
 *
 * 1. One server, SCENE_ORDER=auto (images first): makespan ÷ (all image time + all video time +
 *    two model loads). Target ≤ 1.02.
 * 2. One server, SCENE_ORDER=overlap, for comparison: every switch between an image and a clip
 *    reloads models.
 * 3. Two servers (images on one, videos on the other): makespan ÷ (first image + all video time,
 *    each server's one model load included). Target ≤ 1.02.
 * 4. Two servers sharing the work (COMFYUI_URLS, a queue per server, images first): makespan ÷
 *    (half of all image and video time + each server's two model loads).
 *
 * Work times are measured from the fake's own timeline (each prompt's start → end, less any model
 * load inside it), so the ratios hold however loaded the machine is.
 *
 * Options: --scenes=24 --step-ms=100 --load-ms=750
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { startRun } from "../core/engine/runs.ts";
import { runSettings } from "../core/engine/run_settings.ts";
import { startFakeComfyUI } from "../tests/fakes/comfyui_server.ts";
import { comfyProvider } from "../tests/helpers/comfyui.ts";
import { freshDatabase } from "../tests/helpers/db.ts";
import { makeProject, startTestWorker, TEST_ENV, waitForRunEnd } from "../tests/helpers/worker.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    scenes: { type: "string", default: "24" },
    "step-ms": { type: "string", default: "100" },
    "load-ms": { type: "string", default: "750" },
  },
});
const N = Number(opts.scenes);
const STEP_MS = Number(opts["step-ms"]);
const LOAD_MS = Number(opts["load-ms"]);

type Fake = Awaited<ReturnType<typeof startFakeComfyUI>>;

interface Prompt {
  video: boolean;
  start: number;
  end: number;
  loadMs: number;
}

/** Each finished prompt of a fake with its work time (start → end) and the model load inside it. */
function promptsOf(fake: Fake): Prompt[] {
  const byId = new Map<string, Prompt>();
  let loadStart = NaN;
  for (const e of fake.timeline) {
    if (!e.promptId) continue;
    const p = byId.get(e.promptId) ?? { video: false, start: NaN, end: NaN, loadMs: 0 };
    if (e.event === "start") p.start = e.at;
    if (e.event === "end") p.end = e.at;
    if (e.event === "load_start") loadStart = e.at;
    if (e.event === "load_end") p.loadMs += e.at - loadStart;
    const graph = (fake.executor.history.get(e.promptId)?.prompt as unknown[] | undefined)?.[2] as
      | Record<string, { class_type: string }>
      | undefined;
    if (graph) p.video = Object.values(graph).some((n) => n.class_type === "SaveVideo");
    byId.set(e.promptId, p);
  }
  return [...byId.values()].filter((p) => !Number.isNaN(p.end) && !Number.isNaN(p.start));
}

async function run(label: string, sceneOrder: "auto" | "overlap", twoServers: boolean, shared = false) {
  const imageFake = await startFakeComfyUI({ stepMs: STEP_MS, modelLoadMs: LOAD_MS, nodeMs: 1 });
  const videoFake = twoServers
    ? await startFakeComfyUI({ stepMs: STEP_MS, modelLoadMs: LOAD_MS, nodeMs: 1 })
    : imageFake;
  const db = await freshDatabase(`bench_${label}`);
  const dataDir = await Deno.makeTempDir({ prefix: "bench-comfy-" });
  const comfyEnv: Record<string, string> = shared
    ? { COMFYUI_URLS: `${imageFake.url},${videoFake.url}` }
    : { COMFYUI_IMAGE_URL: imageFake.url, COMFYUI_VIDEO_URL: videoFake.url };
  const config = loadConfig({
    ...TEST_ENV,
    IMAGE_PROVIDER: "comfyui",
    VIDEO_PROVIDER: "comfyui",
    SCENE_ORDER: sceneOrder,
    ...comfyEnv,
    DATABASE_URL: db.url,
    STUDIO_DATA_DIR: dataDir,
  });
  const provider = comfyProvider(comfyEnv);
  const worker = await startTestWorker(db, config, { image: provider, video: provider });
  try {
    const { projectId } = await makeProject(db.sql, N);
    const settings = runSettings(config);
    const started = performance.now();
    await startRun(db.sql, projectId, settings);
    const status = await waitForRunEnd(db.sql, projectId, 30 * 60_000);
    const makespan = performance.now() - started;
    if (status !== "completed") throw new Error(`The ${label} run ended ${status}.`);
    const prompts = [...promptsOf(imageFake), ...(twoServers ? promptsOf(videoFake) : [])];
    const work = (p: Prompt) => p.end - p.start - p.loadMs;
    const images = prompts.filter((p) => !p.video);
    const videos = prompts.filter((p) => p.video);
    const imageWork = images.reduce((t, p) => t + work(p), 0);
    const videoWork = videos.reduce((t, p) => t + work(p), 0);
    const loads = prompts.reduce((t, p) => t + (p.loadMs > 0 ? 1 : 0), 0);
    const bound = shared
      ? (imageWork + videoWork) / 2 + 2 * LOAD_MS
      : twoServers
      ? work(images.sort((a, b) => a.start - b.start)[0]) + LOAD_MS + videoWork + LOAD_MS
      : imageWork + videoWork + 2 * LOAD_MS;
    // The GPU idles between two prompts of one server while the engine stores one part and starts the next.
    const gaps: number[] = [];
    for (const fake of twoServers ? [imageFake, videoFake] : [imageFake]) {
      const ordered = promptsOf(fake).sort((a, b) => a.start - b.start);
      for (let i = 1; i < ordered.length; i++) gaps.push(ordered[i].start - ordered[i - 1].end);
    }
    gaps.sort((a, b) => a - b);
    return {
      label,
      gapMedian: gaps[Math.floor(gaps.length / 2)],
      gapP95: gaps[Math.floor(gaps.length * 0.95)],
      makespan,
      bound,
      ratio: makespan / bound,
      loads,
      imageMs: imageWork / images.length,
      videoMs: videoWork / videos.length,
    };
  } finally {
    await worker.stop();
    provider.close();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await imageFake.close();
    if (twoServers) await videoFake.close();
  }
}

const results = [];
results.push(await run("one server, images first", "auto", false));
results.push(await run("one server, overlap order", "overlap", false));
results.push(await run("two servers, overlap", "auto", true));
results.push(await run("two shared servers", "auto", true, true));

console.log(`\nComfyUI scheduling, ${N} scenes (fake GPU: step ${STEP_MS} ms, model load ${LOAD_MS} ms):`);
for (const r of results) {
  console.log(
    `  ${r.label.padEnd(28)} makespan ${(r.makespan / 1000).toFixed(1)} s, lower bound ${
      (r.bound / 1000).toFixed(1)
    } s, ratio ${r.ratio.toFixed(3)}, model loads ${r.loads} (image ${Math.round(r.imageMs)} ms, clip ${
      Math.round(r.videoMs)
    } ms each); GPU idle between prompts: median ${Math.round(r.gapMedian)} ms, p95 ${Math.round(r.gapP95)} ms`,
  );
}
