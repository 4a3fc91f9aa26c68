/**
 * The embedded Postgres killed (SIGKILL to the postmaster) mid-run: the all-in-one app restarts it
 * on the same port, /readyz says 503 meanwhile and 200 after, the run finishes exactly once.
 */
import assert from "node:assert/strict";
import {
  assertRunClean,
  killApp,
  lastEventId,
  msToProgress,
  observe,
  reportFigures,
  spawnApp,
} from "../helpers/faults.ts";
import { processRuns } from "../../core/system/process.ts";
import { waitFor, waitForRunEnd } from "../helpers/worker.ts";

async function postmaster(dataDir: string): Promise<{ pid: number; port: number }> {
  const lines = (await Deno.readTextFile(`${dataDir}/postgres/postmaster.pid`)).split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

Deno.test("the embedded Postgres killed mid-run: the app restarts it and the run finishes exactly once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "studio-fault-" });
  await Deno.chmod(dataDir, 0o755); // the postgres OS user must reach it when the tests run as root
  const app = spawnApp({ STUDIO_DATA_DIR: dataDir, SIMULATED_IMAGE_MS: "200", SIMULATED_VIDEO_MS: "200" });
  let sql: ReturnType<typeof observe> | undefined;
  try {
    await app.ready();
    const base = `http://127.0.0.1:${app.port}`;
    const script = Array.from({ length: 8 }, (_, i) => `Scene ${i + 1} shows the harbour.`).join(" ");
    const created = await (await fetch(`${base}/api/v1/projects`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Postgres dies", script }),
    })).json();
    const projectId: number = created.id;
    const { pid, port } = await postmaster(dataDir);
    const password = (await Deno.readTextFile(`${dataDir}/postgres.password`)).trim();
    sql = observe(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`);
    await (await fetch(`${base}/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" })).body?.cancel();
    await msToProgress(sql, projectId, await lastEventId(sql, projectId), 30_000);

    const before = await lastEventId(sql, projectId);
    Deno.kill(pid, "SIGKILL");
    const killedAt = performance.now();
    const down = await waitFor(
      "/readyz to report the database down",
      async () => {
        const res = await fetch(`${base}/readyz`);
        const body = await res.json();
        return res.status === 503 ? body : null;
      },
      10_000,
      50,
    );
    assert.equal(down.ready, false);
    const up = await waitFor(
      "/readyz to report ready again",
      async () => {
        const res = await fetch(`${base}/readyz`);
        const body = await res.json();
        return res.status === 200 ? body : null;
      },
      60_000,
      100,
    );
    const readyAgainMs = Math.round(performance.now() - killedAt);
    assert.equal(up.embeddedPostgres.restarts, 1);
    assert.equal((await postmaster(dataDir)).port, port, "restarted on the same port");
    await msToProgress(sql, projectId, before, 60_000);
    const restartToProgressMs = Math.round(performance.now() - killedAt);
    assert.equal(await waitForRunEnd(sql, projectId, 90_000), "completed");
    const report = await assertRunClean(sql, projectId, dataDir);
    assert.match(app.output(), /The embedded Postgres stopped unexpectedly \(the server was killed by SIGKILL\)/);
    assert.match(app.output(), /The embedded Postgres is running again \(restart 1, started in [\d.]+ s\)/);
    reportFigures("embedded Postgres killed mid-run", { kills: 1, readyAgainMs, restartToProgressMs, ...report });

    await sql.end({ timeout: 1 });
    sql = undefined;
    const newPid = (await postmaster(dataDir)).pid;
    await killApp(app, "SIGTERM");
    assert.equal((await app.status).code, 0, app.output());
    for (let i = 0; i < 100 && processRuns(newPid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!processRuns(newPid), "the restarted Postgres is stopped with the app");
  } finally {
    await sql?.end({ timeout: 1 });
    await killApp(app);
    const left = await postmaster(dataDir).catch(() => null);
    if (left && processRuns(left.pid)) Deno.kill(left.pid, "SIGQUIT");
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
