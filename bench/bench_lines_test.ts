import { deepEqual as assertEquals } from "node:assert/strict";
import { parseBenchLines } from "./bench_lines.ts";

Deno.test("BENCH lines are picked out of a benchmark's output, other lines ignored", () => {
  const output = [
    "Engine benchmark: 24 sentences",
    "BENCH job_gap_median_ms 2.4 ms",
    "BENCH generate_all_queries 14 queries",
    "BENCH broken line",
    "  BENCH indented_is_not_one 1 ms",
    "BENCH negative_ok -3.5 ms",
  ].join("\n");
  assertEquals(parseBenchLines(output), [
    { name: "job_gap_median_ms", value: 2.4, unit: "ms" },
    { name: "generate_all_queries", value: 14, unit: "queries" },
    { name: "negative_ok", value: -3.5, unit: "ms" },
  ]);
});

Deno.test("a results file shows each figure with its target and reads back as the next run's previous figures", async () => {
  const { previousFigures, renderResults } = await import("./results_file.ts");
  const markdown = renderResults({
    figures: [{ name: "generate_all_ms", value: 1200, unit: "ms" }, {
      name: "sse_memory_per_client_kb",
      value: 31,
      unit: "KB",
    }],
    previous: new Map([["generate_all_ms", "5670 ms"]]),
    judged: true,
    date: new Date("2026-12-02T14:00:00Z"),
    machine: "2 cores",
    command: "deno task bench",
    failures: [],
  });
  assertEquals(markdown.includes("| `generate_all_ms` | 1200 ms | ≤ 1000 | **no** | 5670 ms |"), true);
  assertEquals(markdown.includes("| `sse_memory_per_client_kb` | 31 KB |  |  |  |"), true);
  assertEquals(
    previousFigures(markdown),
    new Map([["generate_all_ms", "1200 ms"], ["sse_memory_per_client_kb", "31 KB"]]),
  );
});
