/**
 * An all-in-one process killed with SIGKILL three times during a run, restarted each time: the run
 * finishes, every part done exactly once, and the time from each restart to the next finished part
 * is logged.
 */
import assert from "node:assert/strict";
import { freshDatabase } from "../helpers/db.ts";
import {
  assertRunClean,
  killApp,
  lastEventId,
  msToProgress,
  observe,
  reportFigures,
  spawnApp,
} from "../helpers/faults.ts";
import { makeProject, waitForRunEnd } from "../helpers/worker.ts";

Deno.test("SIGKILL of the all-in-one process, three times mid-run: the run finishes exactly once", async () => {
  const db = await freshDatabase("fault_sigkill");
  const sql = observe(db.url);
  const dataDir = await Deno.makeTempDir({ prefix: "studio-fault-" });
  const env = { DATABASE_URL: db.url, STUDIO_DATA_DIR: dataDir, SIMULATED_IMAGE_MS: "200", SIMULATED_VIDEO_MS: "200" };
  let app = spawnApp(env);
  const restartToProgressMs: number[] = [];
  try {
    await app.ready();
    const { projectId } = await makeProject(sql, 8);
    const started = await fetch(`http://127.0.0.1:${app.port}/api/v1/projects/${projectId}/generate-scenes`, {
      method: "POST",
    });
    assert.equal(started.status, 202);
    await started.body?.cancel();
    for (let kill = 0; kill < 3; kill++) {
      await msToProgress(sql, projectId, await lastEventId(sql, projectId), 30_000); // mid-run: a part just finished
      await killApp(app, "SIGKILL");
      const before = await lastEventId(sql, projectId);
      const restartedAt = performance.now();
      app = spawnApp(env);
      await app.ready();
      await msToProgress(sql, projectId, before, 30_000);
      restartToProgressMs.push(Math.round(performance.now() - restartedAt));
    }
    assert.equal(await waitForRunEnd(sql, projectId, 60_000), "completed");
    const report = await assertRunClean(sql, projectId, dataDir);
    reportFigures("SIGKILL of the all-in-one process", { kills: 3, restartToProgressMs, ...report });
    await killApp(app, "SIGTERM");
    assert.equal((await app.status).code, 0, app.output());
  } finally {
    await killApp(app);
    await sql.end({ timeout: 1 });
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
