/**
 * The media folder on a full disk (a tmpfs of 1 MB, filled): generation fails with "no space" and
 * is retried; once space is freed the run finishes exactly once, and no part is done with an empty
 * or cut-off file. Needs root for the mount (CI and the dev machines run as root).
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
import { mountSmallDisk, smallDiskUnavailable } from "../helpers/small_disk.ts";
import { makeProject, waitFor, waitForRunEnd } from "../helpers/worker.ts";

Deno.test({
  name: "a full media disk: parts wait and retry, and finish exactly once with valid files when space returns",
  ignore: smallDiskUnavailable() !== null,
  fn: async () => {
    const db = await freshDatabase("fault_disk");
    const sql = observe(db.url);
    const dataDir = await Deno.makeTempDir({ prefix: "studio-fault-" });
    const disk = await mountSmallDisk(1024 * 1024);
    await Deno.remove(`${dataDir}`, { recursive: true });
    await Deno.mkdir(dataDir);
    await Deno.symlink(disk.path, `${dataDir}/media`);
    const filler = `${disk.path}/filler`;
    await Deno.writeFile(filler, new Uint8Array(await disk.free()));
    const env = {
      DATABASE_URL: db.url,
      STUDIO_DATA_DIR: dataDir,
      SIMULATED_IMAGE_MS: "50",
      SIMULATED_VIDEO_MS: "50",
      RETRY_BACKOFF_MS: "1000",
    };
    const app = spawnApp(env);
    try {
      await app.ready();
      const { projectId } = await makeProject(sql, 6);
      await (await fetch(`http://127.0.0.1:${app.port}/api/v1/projects/${projectId}/generate-scenes`, {
        method: "POST",
      })).body?.cancel();
      const failure = await waitFor(
        "a part to fail for lack of space",
        async () => {
          const [row] = await sql<{ error: string }[]>`
          select data->>'error' as error from events
          where project_id = ${projectId} and type = 'scene.updated' and data->>'error' is not null limit 1`;
          return row?.error;
        },
        30_000,
        10,
      );
      // The creator reads what to do, not the server's error: no paths, no "os error 28".
      assert.equal(
        failure,
        "The media disk is full, so the file could not be saved. Free some space on the server; generation resumes by itself once there is room.",
      );
      const before = await lastEventId(sql, projectId);
      await Deno.remove(filler);
      const freedAt = performance.now();
      await msToProgress(sql, projectId, before, 30_000);
      const freeToProgressMs = Math.round(performance.now() - freedAt);
      assert.equal(await waitForRunEnd(sql, projectId, 60_000), "completed");
      const report = await assertRunClean(sql, projectId, dataDir);
      reportFigures("full media disk", { freeToProgressMs, firstError: failure.slice(0, 80), ...report });
      await killApp(app, "SIGTERM");
    } finally {
      await killApp(app);
      await sql.end({ timeout: 1 });
      await db.drop();
      await disk.remove();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
