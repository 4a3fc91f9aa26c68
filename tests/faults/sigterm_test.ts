/**
 * SIGTERM to an all-in-one process while jobs run: it exits 0 within the grace period, hands the
 * running parts back without using up an attempt and leaves nothing locked; the next start
 * finishes the run exactly once.
 */
import assert from "node:assert/strict";
import { freshDatabase } from "../helpers/db.ts";
import {
  assertRunClean,
  killApp,
  lastEventId,
  msToProgress,
  observe,
  partsOf,
  reportFigures,
  spawnApp,
} from "../helpers/faults.ts";
import { makeProject, waitFor, waitForRunEnd } from "../helpers/worker.ts";

Deno.test("SIGTERM with running jobs: exit 0, nothing locked, the next start finishes the run exactly once", async () => {
  const db = await freshDatabase("fault_sigterm");
  const sql = observe(db.url);
  const dataDir = await Deno.makeTempDir({ prefix: "studio-fault-" });
  const env = {
    DATABASE_URL: db.url,
    STUDIO_DATA_DIR: dataDir,
    SIMULATED_IMAGE_MS: "600",
    SIMULATED_VIDEO_MS: "4000",
    SHUTDOWN_GRACE_MS: "300",
  };
  let app = spawnApp(env);
  try {
    await app.ready();
    const { projectId } = await makeProject(sql, 4);
    const started = await fetch(`http://127.0.0.1:${app.port}/api/v1/projects/${projectId}/generate-scenes`, {
      method: "POST",
    });
    await started.body?.cancel();
    // An image and a video running at once.
    await waitFor(
      "an image and a video running",
      async () => {
        const parts = await partsOf(sql, projectId);
        return ["image", "video"].every((kind) => parts.some((p) => p.part === kind && p.status === "running"));
      },
      30_000,
      20,
    );
    const signalled = performance.now();
    app.child.kill("SIGTERM");
    const status = await app.status;
    const stopMs = Math.round(performance.now() - signalled);
    assert.equal(status.code, 0, app.output());
    assert.ok(stopMs < 8000, `stopped in ${stopMs} ms`);
    assert.match(app.output(), /aborted 2 running job/);
    const locked = await sql`select key from graphile_worker.jobs where locked_at is not null`;
    assert.deepEqual(locked.map((j) => j.key), [], "nothing locked after the stop");
    const handedBack = (await partsOf(sql, projectId)).filter((p) => p.status === "queued");
    assert.ok(handedBack.length >= 2, "the interrupted parts are queued again");

    const before = await lastEventId(sql, projectId);
    const restartedAt = performance.now();
    app = spawnApp({ ...env, SIMULATED_VIDEO_MS: "200" });
    await app.ready();
    await msToProgress(sql, projectId, before, 30_000);
    const restartToProgressMs = Math.round(performance.now() - restartedAt);
    assert.equal(await waitForRunEnd(sql, projectId, 60_000), "completed");
    const report = await assertRunClean(sql, projectId, dataDir);
    reportFigures("SIGTERM with running jobs", { stopMs, restartToProgressMs, ...report });
    await killApp(app, "SIGTERM");
  } finally {
    await killApp(app);
    await sql.end({ timeout: 1 });
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
