import assert from "node:assert/strict";
import { join } from "node:path";
import { createProject } from "../core/domain/projects.ts";
import { freshDatabase } from "../tests/helpers/db.ts";
import { setPart } from "../tests/helpers/parts.ts";
import { mediaRoot } from "./store.ts";
import { sweepMedia } from "./sweep.ts";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("the media sweep deletes old unreferenced files and folders of deleted scenes and projects, nothing else", async () => {
  const db = await freshDatabase("media_sweep");
  const dataDir = await Deno.makeTempDir({ prefix: "sweep-" });
  try {
    const { id: projectId } = await createProject(db.sql, { title: "Sweep", script: "One. Two." });
    const [a, b] = (await db.sql<{ id: number }[]>`select id from sentences order by id`).map((r) => r.id);
    const root = mediaRoot(dataDir);
    const file = async (relative: string, ageMs: number) => {
      const path = join(root, relative);
      await Deno.mkdir(join(path, ".."), { recursive: true });
      await Deno.writeTextFile(path, "x");
      const t = new Date(Date.now() - ageMs);
      await Deno.utime(path, t, t);
      return path;
    };
    const hour = 60 * 60_000;
    const kept = await file(`projects/${projectId}/sentences/${a}/image-kept.png`, 2 * hour);
    const thumb = await file(`projects/${projectId}/sentences/${a}/image-thumb-kept.jpg`, 2 * hour);
    await setPart(db.sql, a, "image", { status: "done", path: `projects/${projectId}/sentences/${a}/image-kept.png` });
    await db.sql`update takes set thumb_path = ${`projects/${projectId}/sentences/${a}/image-thumb-kept.jpg`}`;
    const orphan = await file(`projects/${projectId}/sentences/${a}/video-orphan.mp4`, 2 * hour);
    const young = await file(`projects/${projectId}/sentences/${b}/image-young.png`, 60_000);
    const goneScene = await file(`projects/${projectId}/sentences/999999/image-x.png`, 2 * hour);
    await Deno.utime(join(goneScene, ".."), new Date(Date.now() - 2 * hour), new Date(Date.now() - 2 * hour));
    await file(`projects/888888/sentences/1/image-x.png`, 2 * hour);
    for (const dir of ["projects/888888/sentences/1", "projects/888888/sentences", "projects/888888"]) {
      await Deno.utime(join(root, dir), new Date(Date.now() - 2 * hour), new Date(Date.now() - 2 * hour));
    }
    const exportFile = await file(`projects/${projectId}/exports/final.mp4`, 2 * hour);

    const report = await sweepMedia(db.sql, dataDir);
    assert.deepEqual(report, { files: 1, folders: 2 });
    assert.ok(await exists(kept) && await exists(thumb), "files of takes stay");
    assert.equal(await exists(orphan), false, "a file no take names goes");
    assert.ok(await exists(young), "a file younger than the grace stays (its generation may be committing)");
    assert.equal(await exists(join(goneScene, "..")), false, "a deleted scene's folder goes");
    assert.equal(await exists(join(root, "projects/888888")), false, "a deleted project's folder goes");
    assert.ok(await exists(exportFile), "only the engine's scene folders are swept");
    assert.deepEqual(await sweepMedia(db.sql, dataDir), { files: 0, folders: 0 }, "a second sweep finds nothing");
  } finally {
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
