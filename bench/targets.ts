/**
 * What `deno task bench` runs (full and smoke arguments) and the targets of issue 15 its figures
 * are judged against. A figure without a target is reported only.
 */

/** A benchmark script under bench/ with its arguments. */
export interface BenchScript {
  script: string;
  /** Arguments of the full run (bench/results.md). */
  args: string[];
  /** Tiny sizes for `--smoke` (CI): seconds, no judgement. */
  smokeArgs: string[];
}

export const BENCHES: BenchScript[] = [
  { script: "generate_all.ts", args: [], smokeArgs: ["--sentences=200", "--rounds=1"] },
  {
    script: "engine_bench.ts",
    args: [],
    smokeArgs: ["--sentences=3", "--rounds=1", "--image-ms=20", "--video-ms=40", "--compare=false"],
  },
  { script: "sse_latency.ts", args: [], smokeArgs: ["--clients=5", "--events=20", "--burst=20", "--interval=5"] },
  { script: "memory.ts", args: [], smokeArgs: ["--sentences=4", "--settle-ms=500"] },
  { script: "storyboard_render.ts", args: [], smokeArgs: ["--sentences", "20", "--runs", "2"] },
];

/** A target: the figure must be at most (or at least) `value`. */
export interface Target {
  op: "<=" | ">=";
  value: number;
}

/** Targets by figure name (issue 15, "Targets"). */
export const TARGETS: Record<string, Target> = {
  generate_all_ms: { op: "<=", value: 1000 },
  // "A bounded number of event rows and SQL round trips": the same at 200 and at 20,000 scenes.
  generate_all_queries: { op: "<=", value: 20 },
  generate_all_event_rows: { op: "<=", value: 5 },
  job_gap_median_ms: { op: "<=", value: 3 },
  makespan_ratio: { op: "<=", value: 1.02 },
  sse_paced_p99_ms: { op: "<=", value: 50 },
  sse_burst_p99_ms: { op: "<=", value: 100 },
  memory_idle_mb: { op: "<=", value: 150 },
  memory_after_run_ratio: { op: "<=", value: 1.1 },
  storyboard_first_byte_ms: { op: "<=", value: 200 },
  storyboard_stall_ms: { op: "<=", value: 50 },
  // A 500-scene render (the full run renders 500 sentences).
  storyboard_render_ms: { op: "<=", value: 30 },
  storyboard_js_gzip_kb: { op: "<=", value: 12 },
  thumbnail_kb: { op: "<=", value: 30 },
};

/** Whether `value` meets `target`. */
export function meets(target: Target, value: number): boolean {
  return target.op === "<=" ? value <= target.value : value >= target.value;
}
