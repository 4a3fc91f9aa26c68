import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { mediaRoot } from "../media/store.ts";
import { decodeWithFfmpeg, probeWithFfmpeg, readPngSize } from "../providers/fixtures/media_checks.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";

Deno.test("the draft provider through the real pipeline: a decodable 1280×720 PNG and a 5 s (the project's clip length) 24 fps H.264 MP4", async () => {
  const db = await freshDatabase("engine_draft");
  const config = await testConfig(db, { IMAGE_PROVIDER: "draft", VIDEO_PROVIDER: "draft" });
  const worker = await startTestWorker(db, config); // providers from the config
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeProject(db.sql, 1);
    assert.equal((await app.request(`/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" })).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId, 60_000), "completed");
    const [row] = await db.sql`select image_status, video_status, image_path, video_path, image_error, video_error
      from scene_states where id = ${sentenceIds[0]}`;
    assert.deepEqual([row.image_status, row.video_status], ["done", "done"], JSON.stringify(row));
    const image = join(mediaRoot(config.dataDir), row.image_path);
    const video = join(mediaRoot(config.dataDir), row.video_path);
    assert.deepEqual(readPngSize(await Deno.readFile(image)), { width: 1280, height: 720 });
    await decodeWithFfmpeg(image);
    await decodeWithFfmpeg(video);
    const info = await probeWithFfmpeg(video);
    assert.equal(info.codec, "h264");
    assert.deepEqual([info.width, info.height, info.fps], [1280, 720, 24]);
    assert.ok(Math.abs(info.durationSeconds - 5) < 0.1, `duration ${info.durationSeconds}`);
    // Served to the browser at the URL the API gives.
    const sentence = await (await app.request(`/api/v1/sentences/${sentenceIds[0]}`)).json();
    const res = await app.request(sentence.video.url, { headers: { range: "bytes=0-99" } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get("content-type"), "video/mp4");
    await res.body?.cancel();
    // Cards get thumbnails, made after the part is done (off the generation queues): small JPEGs at
    // the media's aspect ratio, announced to open pages.
    const thumbs = await waitFor("both thumbnails", async () => {
      const s = await (await app.request(`/api/v1/sentences/${sentenceIds[0]}`)).json();
      return s.image.thumbUrl && s.video.thumbUrl ? [s.image.thumbUrl, s.video.thumbUrl] as string[] : null;
    }, 30_000);
    for (const url of thumbs) {
      const thumb = await app.request(url);
      assert.equal(thumb.headers.get("content-type"), "image/jpeg");
      const bytes = new Uint8Array(await thumb.arrayBuffer());
      assert.ok(bytes.length > 1000 && bytes.length <= 30_000, `thumbnail of ${bytes.length} bytes`);
      assert.deepEqual([...bytes.slice(0, 3)], [0xff, 0xd8, 0xff], "a JPEG");
      const jpeg = join(config.dataDir, "media", decodeURIComponent(url.slice("/media/".length)));
      const probed = await probeWithFfmpeg(jpeg);
      assert.deepEqual([probed.width, probed.height], [320, 180]);
    }
    const [announced] = await db.sql`
      select 1 from events where type = 'scene.updated' and data->>'thumbUrl' is not null limit 1`;
    assert.ok(announced, "open pages hear of the thumbnail");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
