/**
 * bench/results.md: rendering the figures of one `deno task bench` with their targets and the
 * previous figures, and reading the previous figures back from the file it wrote last time.
 */
import type { BenchFigure } from "./bench_lines.ts";
import { meets, TARGETS } from "./targets.ts";

/** What one results file holds. */
export interface ResultsInput {
  figures: BenchFigure[];
  /** Figures of the previous results.md, by name ("value unit"). */
  previous: Map<string, string>;
  /** False for a smoke run: targets are shown but not judged. */
  judged: boolean;
  date: Date;
  machine: string;
  command: string;
  failures: string[];
  /** Markdown appended under the table (bench/notes.md: what limits a figure, what was tried). */
  notes?: string;
}

/** The markdown of a results file. */
export function renderResults(input: ResultsInput): string {
  const lines = [
    "# Benchmark results",
    "",
    `- date: ${input.date.toISOString().replace("T", " ").slice(0, 16)} UTC`,
    `- machine: ${input.machine}`,
    `- command: \`${input.command}\``,
    "",
    "Written by `deno task bench` (bench/run.ts); targets from issue 15. One run: medians and ratios, the machine's",
    "load shows in them.",
    "",
    "| figure | value | target | met | previous |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const f of input.figures) {
    const target = TARGETS[f.name];
    const met = !target ? "" : !input.judged ? "(smoke)" : meets(target, f.value) ? "yes" : "**no**";
    lines.push(
      `| \`${f.name}\` | ${f.value} ${f.unit} | ${
        target ? `${target.op === "<=" ? "≤" : "≥"} ${target.value}` : ""
      } | ${met} | ${input.previous.get(f.name) ?? ""} |`,
    );
  }
  if (input.failures.length) lines.push("", "Failures:", "", ...input.failures.map((f) => `- ${f}`));
  if (input.notes?.trim()) lines.push("", input.notes.trim());
  return lines.join("\n") + "\n";
}

/** The figures of a results file written by {@link renderResults} (and `deno fmt`): name → "value unit". */
export function previousFigures(markdown: string): Map<string, string> {
  const figures = new Map<string, string>();
  for (const line of markdown.split("\n")) {
    const m = /^\|\s*`([a-z0-9_]+)`\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (m) figures.set(m[1], m[2]);
  }
  return figures;
}

/** Cores, memory, OS and Deno version of this machine, in one line. */
export async function machineDescription(): Promise<string> {
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const kb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0);
  const osRelease = await Deno.readTextFile("/etc/os-release").catch(() => "");
  const os = /PRETTY_NAME="([^"]+)"/.exec(osRelease)?.[1] ?? Deno.build.os;
  const load = Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
  return `${navigator.hardwareConcurrency} cores, ${
    (kb / 1024 / 1024).toFixed(1)
  } GB memory, ${os} (Linux ${Deno.osRelease()}), Deno ${Deno.version.deno}; load average at start ${load}`;
}
