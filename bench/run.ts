/**
 * `deno task bench`: runs every benchmark, collects the figures they print as
 * `BENCH <name> <value> <unit>` lines, and writes bench/results.md — each figure beside its target
 * (issue 15), whether it is met, and the figure the previous results.md held, with the date, the
 * machine and the command, so a regression shows.
 *
 * `deno task bench --smoke` runs every benchmark at tiny sizes (CI runs it after the tests so the
 * bench code cannot rot): no target is judged and the report goes to test-artifacts/bench-smoke.md,
 * never to bench/results.md. It fails only when a benchmark fails or prints no figure.
 *
 * bench/notes.md (what limits a figure, what was tried) is copied under the table.
 *
 * Postgres: DATABASE_URL when set, else one throwaway embedded server for the whole run (each
 * benchmark creates its own database on it).
 */
import { parseArgs } from "node:util";
import { startTestCluster } from "../tests/helpers/test_cluster.ts";
import { type BenchFigure, parseBenchLines } from "./bench_lines.ts";
import { machineDescription, previousFigures, renderResults } from "./results_file.ts";
import { BENCHES } from "./targets.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: { smoke: { type: "boolean", default: false }, only: { type: "string" } },
});
const smoke = opts.smoke;
const root = new URL("..", import.meta.url).pathname;
const resultsPath = smoke ? `${root}test-artifacts/bench-smoke.md` : `${root}bench/results.md`;

const env: Record<string, string> = { ...Deno.env.toObject() };
let stopDatabase = () => Promise.resolve();
if (!env.DATABASE_URL) {
  const server = await startTestCluster();
  env.DATABASE_URL = server.url;
  stopDatabase = server.stop;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    await stopDatabase();
    Deno.exit(130);
  });
}

const started = new Date();
const figures: BenchFigure[] = [];
const failures: string[] = [];
const benches = BENCHES.filter((b) => !opts.only || b.script.includes(opts.only));
for (const bench of benches) {
  const args = smoke ? bench.smokeArgs : bench.args;
  console.log(`\n=== ${bench.script} ${args.join(" ")}`);
  const t = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}bench/${bench.script}`, ...args],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    output += decoder.decode(chunk, { stream: true });
  }
  const status = await child.status;
  const found = parseBenchLines(output);
  figures.push(...found);
  const seconds = ((performance.now() - t) / 1000).toFixed(1);
  if (!status.success) failures.push(`${bench.script} exited with status ${status.code} after ${seconds} s.`);
  else if (found.length === 0) failures.push(`${bench.script} printed no BENCH line.`);
  console.log(`=== ${bench.script}: ${found.length} figures in ${seconds} s`);
}
await stopDatabase();

const previous = smoke ? new Map() : previousFigures(await Deno.readTextFile(resultsPath).catch(() => ""));
const report = renderResults({
  figures,
  previous,
  judged: !smoke,
  date: started,
  machine: await machineDescription(),
  command: `deno task bench${Deno.args.length ? ` ${Deno.args.join(" ")}` : ""}`,
  failures,
  notes: smoke ? "" : await Deno.readTextFile(`${root}bench/notes.md`).catch(() => ""),
});
await Deno.mkdir(resultsPath.slice(0, resultsPath.lastIndexOf("/")), { recursive: true });
await Deno.writeTextFile(resultsPath, report);
// Formatted as `deno task check` expects (the table's columns aligned).
if (!smoke) await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", resultsPath] }).output();
console.log(`\nWrote ${resultsPath.slice(root.length)} (${figures.length} figures).`);
for (const failure of failures) console.error(failure);
Deno.exit(failures.length ? 1 : 0);
