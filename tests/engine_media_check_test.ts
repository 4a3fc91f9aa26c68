// Damaged media never becomes a "done" scene part: a video whose image cannot be read makes the
// image again first, then itself; a provider that writes a cut-off file fails the attempt
// (transiently) instead of storing it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { regenerateScene } from "../core/engine/runs.ts";
import { mediaRoot } from "../media/store.ts";
import { createSimulatedProvider, encodeFlatPng } from "../providers/simulated.ts";
import type { MediaProvider } from "../providers/types.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { setPart } from "./helpers/parts.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitForRunEnd } from "./helpers/worker.ts";

Deno.test("a video whose image is damaged remakes the image first, then the video", async () => {
  const db = await freshDatabase("media_check_source");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 1);
    const id = sentenceIds[0];
    // An image cut off by a full disk: half a PNG.
    const relative = `projects/${projectId}/sentences/${id}/image-broken.png`;
    const png = encodeFlatPng(64, 36, [200, 100, 50]);
    await Deno.mkdir(join(mediaRoot(config.dataDir), relative, ".."), { recursive: true });
    await Deno.writeFile(join(mediaRoot(config.dataDir), relative), png.slice(0, png.length / 2));
    await setPart(db.sql, id, "image", { status: "done", path: relative });

    await regenerateScene(db.sql, id, ["video"], { maxAttempts: 3 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const [row] = await db.sql`
      select image_status, image_path, video_status, video_outdated from scene_states where id = ${id}`;
    assert.equal(row.image_status, "done");
    assert.notEqual(row.image_path, relative, "a new image was made");
    assert.equal(row.video_status, "done");
    assert.equal(row.video_outdated, false, "the video was made from the new image");
    const [said] = await db.sql`
      select data->>'error' as error from events
      where type = 'scene.updated' and data->>'part' = 'video' and data->>'status' = 'idle' limit 1`;
    assert.match(said.error, /^This scene's image was damaged \(is cut off.*\), so it is being made again/);
    assert.doesNotMatch(said.error, /\/tmp\//);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("a provider that writes a cut-off file: the attempt fails and is retried, nothing damaged is stored", async () => {
  const db = await freshDatabase("media_check_output");
  const config = await testConfig(db);
  const inner = createSimulatedProvider({ imageMs: 0, videoMs: 0 });
  let calls = 0;
  // The first image it makes is cut off after its header (as ffmpeg leaves one on a full disk).
  const truncating: MediaProvider = {
    name: "truncating",
    async generateImage(request) {
      const made = await inner.generateImage(request);
      if (++calls === 1) {
        const bytes = await Deno.readFile(request.outPath);
        await Deno.writeFile(request.outPath, bytes.slice(0, 40));
      }
      return made;
    },
    imageToVideo: (request) => inner.imageToVideo(request),
  };
  const worker = await startTestWorker(db, config, { image: truncating, video: inner });
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 1);
    await regenerateScene(db.sql, sentenceIds[0], ["image"], { maxAttempts: 3 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const [row] = await db.sql`select image_status, image_attempts from scene_states where id = ${sentenceIds[0]}`;
    assert.deepEqual({ ...row }, { image_status: "done", image_attempts: 2 });
    const [failed] = await db.sql`
      select data->>'error' as error from events
      where type = 'scene.updated' and data->>'phase' = 'retrying' limit 1`;
    assert.match(failed.error, /^The generated image is cut off/);
    const takes = await db.sql`select path from takes`;
    assert.equal(takes.length, 1, "only the good image was stored");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
