/**
 * Throwaway embedded Postgres servers for test runs. The server runs in its own session (so it
 * outlives a test process that is killed); each cluster's folder records the pid of the process
 * that owns it, and every new run first stops the clusters whose owner is gone, so killed runs do
 * not leak servers.
 */
import { join } from "node:path";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../core/db/embedded_postgres.ts";
import { processRuns } from "../../core/system/process.ts";

const PREFIX = "studio-test-";

/** Starts a fresh cluster in a new temp folder owned by this process; `stop()` removes it all. */
export async function startTestCluster(): Promise<EmbeddedPostgres> {
  await sweepOrphanedTestClusters();
  const dir = await Deno.makeTempDir({ prefix: PREFIX });
  await Deno.chmod(dir, 0o755); // the postgres OS user must reach it when we run as root
  await Deno.writeTextFile(join(dir, "owner.pid"), String(Deno.pid));
  const pg = await startEmbeddedPostgres(join(dir, "postgres"), { log: () => {} });
  return {
    ...pg,
    async stop() {
      await pg.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Stops and deletes test clusters whose owning process no longer runs. */
export async function sweepOrphanedTestClusters(tmp = Deno.env.get("TMPDIR") ?? "/tmp"): Promise<number> {
  let swept = 0;
  for await (const entry of Deno.readDir(tmp)) {
    if (!entry.isDirectory || !entry.name.startsWith(PREFIX)) continue;
    const dir = join(tmp, entry.name);
    const owner = Number(await Deno.readTextFile(join(dir, "owner.pid")).catch(() => "0"));
    if (!owner || processRuns(owner)) continue;
    const postmaster = Number(
      (await Deno.readTextFile(join(dir, "postgres", "postmaster.pid")).catch(() => "")).split("\n")[0],
    );
    if (postmaster && processRuns(postmaster)) {
      try {
        Deno.kill(postmaster, "SIGQUIT"); // immediate shutdown: nothing in it is worth keeping
      } catch { /* gone meanwhile */ }
      for (let i = 0; i < 100 && processRuns(postmaster); i++) await new Promise((r) => setTimeout(r, 50));
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    swept++;
  }
  return swept;
}
