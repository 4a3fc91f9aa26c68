/**
 * Generate All on a big project: the time of startRun on --sentences (default 20,000) scenes, the
 * SQL statements it sends (postgres.js `debug` counts every query) and the event rows it writes.
 *
 *   deno run -A bench/generate_all.ts [--sentences=20000] [--rounds=3]
 *
 * Each round imports a fresh project and presses Generate All at once (as a creator would: before
 * autovacuum has gathered statistics on the new rows). Uses DATABASE_URL, or a throwaway embedded
 * Postgres.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { cancelRun, startRun } from "../core/engine/runs.ts";
import { benchLine } from "./bench_lines.ts";
import { freshDatabase } from "../tests/helpers/db.ts";
import { makeProject } from "../tests/helpers/worker.ts";

const { values: opts } = parseArgs({
  args: Deno.args,
  options: { sentences: { type: "string", default: "20000" }, rounds: { type: "string", default: "3" } },
});
const N = Number(opts.sentences);
const ROUNDS = Number(opts.rounds);

const db = await freshDatabase("bench_generate");
let queries = 0;
const counted = postgres(db.url, { max: 4, onnotice: () => {}, debug: () => queries++ });
try {
  const times: number[] = [];
  const counts: number[] = [];
  const eventRows: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const { projectId } = await makeProject(db.sql, N);
    const [{ before }] = await db.sql`select count(*)::int as before from events`;
    queries = 0;
    const t = performance.now();
    await startRun(counted, projectId, { maxAttempts: 3 });
    times.push(performance.now() - t);
    counts.push(queries);
    const [{ after }] = await db.sql`select count(*)::int as after from events`;
    eventRows.push(after - before);
    await cancelRun(db.sql, projectId);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `startRun on ${N} scenes: ${times.map((t) => t.toFixed(0)).join(", ")} ms; queries ${
      counts.join(", ")
    }; event rows ${eventRows.join(", ")}`,
  );
  benchLine("generate_all_ms", median(times), "ms");
  benchLine("generate_all_queries", median(counts), "queries");
  benchLine("generate_all_event_rows", median(eventRows), "rows");
} finally {
  await counted.end({ timeout: 1 });
  await db.drop();
}
