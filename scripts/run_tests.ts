/**
 * `deno task test`: runs the whole suite against a real Postgres. With DATABASE_URL unset it starts
 * a throwaway embedded Postgres for the run (each test file then creates its own database on it)
 * and stops it afterwards. Prints a closing "N passed, N failed, N skipped" line for CI.
 *
 * Extra arguments go to `deno test` (e.g. `deno task test tests/api_test.ts --filter create`).
 */
import { startTestCluster } from "../tests/helpers/test_cluster.ts";

const env: Record<string, string> = { ...Deno.env.toObject() };
let stopDatabase = () => Promise.resolve();
if (!env.DATABASE_URL) {
  const started = performance.now();
  const server = await startTestCluster();
  console.log(`Test database: embedded Postgres started in ${Math.round(performance.now() - started)} ms.`);
  env.DATABASE_URL = server.url;
  stopDatabase = server.stop;
}
env.STUDIO_TEST_RUN = "1";

const args = Deno.args.length ? Deno.args : [];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--no-prompt", ...args],
  env,
  stdout: "piped",
  stderr: "inherit",
}).spawn();

// Ctrl-C or a CI timeout: stop the tests and the database instead of leaking a server.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await stopDatabase();
    Deno.exit(130);
  });
}

// Pass the output through while remembering the summary line.
let summary = "";
const decoder = new TextDecoder();
let pending = "";
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  pending += decoder.decode(chunk, { stream: true });
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    // deno test ends with e.g. "ok | 12 passed (3 steps) | 0 failed | 2 ignored (1s)"
    // deno-lint-ignore no-control-regex
    if (/\| \d+ passed/.test(line.replace(/\x1b\[[0-9;]*m/g, ""))) summary = line.replace(/\x1b\[[0-9;]*m/g, "");
  }
}
const status = await child.status;
await stopDatabase();

const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary)?.[1] ?? 0);
if (summary) {
  console.log(`\ntests: ${count("passed")} passed, ${count("failed")} failed, ${count("ignored")} skipped`);
} else {
  console.log("\ntests: the test runner printed no summary line.");
}
Deno.exit(status.code);
