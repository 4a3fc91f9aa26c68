/**
 * `deno task bench`: the generation engine's own cost, on a real Postgres (DATABASE_URL, or a
 * throwaway embedded server) with real graphile-worker workers and the simulated provider.
 *
 * 1. Per-job overhead: a zero-time provider, so all that is measured is the engine — claiming,
 *    storing the file, the done transaction with its chained enqueue and events, graphile-worker's
 *    fetch and completion, and the wake-up of the next job in the queue. Reported as the gap between
 *    one provider call ending and the next one of the same queue starting (median, p95), and as the
 *    whole run divided by its jobs. Measured with the queue wake-up trigger, and without it (what
 *    graphile-worker alone gives with its default 2 s poll) for comparison.
 * 2. Makespan of a 24-sentence run against its lower bound: with one image and one video at a time,
 *    no schedule beats max(first image + 24 × video, 24 × image + last video).
 *
 * Options: --sentences=24 --image-ms=200 --video-ms=400 --workers=1 --rounds=3 --compare=true
 * (--compare=false skips the runs without the trigger). Prints BENCH lines (bench/bench_lines.ts).
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { benchLine } from "./bench_lines.ts";
import { loadConfig } from "../config.ts";
import { startRun } from "../core/engine/runs.ts";
import { freshDatabase, type TestDatabase } from "../tests/helpers/db.ts";
import { makeProject, type ProviderCall, recordedSimulated, waitFor } from "../tests/helpers/worker.ts";
import { startWorker, type StudioWorker } from "../workers/runner.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: {
    sentences: { type: "string", default: "24" },
    "image-ms": { type: "string", default: "200" },
    "video-ms": { type: "string", default: "400" },
    workers: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
    compare: { type: "string", default: "true" },
  },
});
const N = Number(opts.sentences);
const IMAGE_MS = Number(opts["image-ms"]);
const VIDEO_MS = Number(opts["video-ms"]);
const WORKERS = Number(opts.workers);
const ROUNDS = Number(opts.rounds);
const COMPARE = opts.compare !== "false";

interface RunResult {
  makespanMs: number;
  calls: ProviderCall[];
  /** SQL statements the workers sent through the app's client during the run (graphile-worker's own not counted). */
  queries: number;
}

async function timedRun(
  db: TestDatabase,
  dataDir: string,
  imageMs: number,
  videoMs: number,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const config = loadConfig({
    DATABASE_URL: db.url,
    STUDIO_DATA_DIR: dataDir,
    IMAGE_PROVIDER: "simulated",
    VIDEO_PROVIDER: "simulated",
    ...env,
  });
  const { providers, calls } = recordedSimulated(imageMs, videoMs);
  const workers: StudioWorker[] = [];
  let queries = 0;
  const counted = postgres(db.url, { max: 10, onnotice: () => {}, debug: () => queries++ });
  for (let i = 0; i < WORKERS; i++) {
    workers.push(await startWorker({ sql: counted, databaseUrl: db.url, config, providers, log: () => {} }));
  }
  try {
    const { projectId } = await makeProject(db.sql, N);
    // Let the workers settle into their idle poll so the first job is picked up by a wake-up.
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    queries = 0;
    const { run } = await startRun(db.sql, projectId, { maxAttempts: 3 });
    let ended = 0;
    await waitFor(
      "the run to end",
      async () => {
        const [r] = await db.sql`select status from scene_runs where id = ${run.id}`;
        if (r.status === "active") return false;
        ended = performance.now();
        return true;
      },
      600_000,
      2,
    );
    return { makespanMs: ended - started, calls, queries };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await counted.end({ timeout: 1 });
  }
}

function gaps(calls: ProviderCall[], kind: "image" | "video"): number[] {
  const mine = calls.filter((c) => c.kind === kind).sort((a, b) => a.started - b.started);
  const out: number[] = [];
  for (let i = 1; i < mine.length; i++) out.push(mine[i].started - mine[i - 1].ended);
  return out;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Runs `fn` with the queue wake-up trigger disabled (graphile-worker alone). */
async function withoutTrigger<T>(db: TestDatabase, fn: () => Promise<T>): Promise<T> {
  await db.sql`alter table graphile_worker._private_job_queues disable trigger studio_wake_workers`;
  try {
    return await fn();
  } finally {
    await db.sql`alter table graphile_worker._private_job_queues enable trigger studio_wake_workers`;
  }
}

const VARIANTS = [
  { label: "with the queue wake-up trigger", trigger: true },
  { label: "without it (graphile-worker alone, 2 s poll)", trigger: false },
].filter((v) => v.trigger || COMPARE);

const db = await freshDatabase("bench");
const dataDir = await Deno.makeTempDir({ prefix: "studio-bench-" });
try {
  console.log(`Engine benchmark: ${N} sentences, ${WORKERS} worker pool(s), ${ROUNDS} rounds.\n`);

  console.log("1. Per-job overhead (zero-time simulated provider)");
  for (const variant of VARIANTS) {
    const allGaps: number[] = [];
    const imageGaps: number[] = [];
    const videoGaps: number[] = [];
    const perJob: number[] = [];
    const queriesPerJob: number[] = [];
    for (let r = 0; r < (variant.trigger ? ROUNDS : 1); r++) {
      const run = () => timedRun(db, dataDir, 0, 0);
      const { makespanMs, calls, queries } = variant.trigger ? await run() : await withoutTrigger(db, run);
      queriesPerJob.push(queries / (2 * N));
      imageGaps.push(...gaps(calls, "image"));
      videoGaps.push(...gaps(calls, "video"));
      allGaps.push(...gaps(calls, "image"), ...gaps(calls, "video"));
      perJob.push(makespanMs / (2 * N));
    }
    console.log(
      `   ${variant.label}: provider end → next provider start in the same queue: median ${
        ms(quantile(allGaps, 0.5))
      }, p95 ${ms(quantile(allGaps, 0.95))}; whole run / ${2 * N} jobs = ${ms(quantile(perJob, 0.5))} per job`,
    );
    console.log(
      `   SQL statements per job (the app's client; graphile-worker's own not counted): ${
        quantile(queriesPerJob, 0.5).toFixed(1)
      }`,
    );
    console.log(
      `   by queue: images median ${ms(quantile(imageGaps, 0.5))}, videos median ${ms(quantile(videoGaps, 0.5))}`,
    );
    if (variant.trigger) {
      benchLine("job_gap_median_ms", quantile(allGaps, 0.5), "ms");
      benchLine("job_gap_p95_ms", quantile(allGaps, 0.95), "ms");
      benchLine("job_run_per_job_ms", quantile(perJob, 0.5), "ms");
      benchLine("job_app_queries", quantile(queriesPerJob, 0.5), "queries");
    }
  }

  console.log(`\n2. Makespan of a ${N}-sentence run (image ${IMAGE_MS} ms, video ${VIDEO_MS} ms)`);
  const bound = Math.max(IMAGE_MS + N * VIDEO_MS, N * IMAGE_MS + VIDEO_MS);
  console.log(`   lower bound max(first image + ${N} × video, ${N} × image + last video) = ${ms(bound)}`);
  for (const variant of VARIANTS) {
    const results: number[] = [];
    for (let r = 0; r < (variant.trigger ? ROUNDS : 1); r++) {
      const run = () => timedRun(db, dataDir, IMAGE_MS, VIDEO_MS);
      results.push((variant.trigger ? await run() : await withoutTrigger(db, run)).makespanMs);
    }
    const median = quantile(results, 0.5);
    console.log(
      `   ${variant.label}: median ${ms(median)} (runs: ${results.map((x) => x.toFixed(0)).join(", ")} ms); ratio ${
        (median / bound).toFixed(3)
      }; ${ms((median - bound) / (N + 1))} above the bound per job on the critical path`,
    );
    if (variant.trigger) {
      benchLine("makespan_ms", median, "ms");
      benchLine("makespan_ratio", median / bound, "x");
    }
  }
} finally {
  await db.drop();
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
Deno.exit(0);
