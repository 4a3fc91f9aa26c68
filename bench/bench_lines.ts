/**
 * The one format benchmarks report figures in: a line `BENCH <name> <value> <unit>` on stdout
 * (name in snake_case, value a plain number). bench/run.ts collects them; humans read the rest.
 */

/** One figure a benchmark printed. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

/**
 * Prints a figure as a BENCH line (rounded to 0.1 unless it is an integer).
 * @example benchLine("generate_all_ms", 812.34, "ms") // prints "BENCH generate_all_ms 812.3 ms"
 */
export function benchLine(name: string, value: number, unit: string): void {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
  console.log(`BENCH ${name} ${shown} ${unit}`);
}

/** The figures among `output`'s lines, in order; other lines are ignored. */
export function parseBenchLines(output: string): BenchFigure[] {
  const figures: BenchFigure[] = [];
  for (const line of output.split("\n")) {
    const m = /^BENCH ([a-z0-9_]+) (-?\d+(?:\.\d+)?) (\S+)\s*$/.exec(line);
    if (m) figures.push({ name: m[1], value: Number(m[2]), unit: m[3] });
  }
  return figures;
}
