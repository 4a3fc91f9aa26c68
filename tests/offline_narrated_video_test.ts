// The promise of the offline defaults: a new user, with nothing configured (the flite voice, the
// draft pictures), goes from a pasted script to a narrated MP4 — through the same API the pages use.
import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { countVideoFrames, probeMedia } from "../media/probe.ts";
import { mediaRoot } from "../media/store.ts";
import { peakVolumeDb } from "../media/audio/upload.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { startTestWorker, waitFor, waitForRunEnd } from "./helpers/worker.ts";

const SCRIPT = `# The lamp
The keeper climbed the stairs at dusk. He lit the great lamp.

# The storm
Waves broke over the rocks all night.`;

Deno.test("offline defaults: a pasted script becomes a narrated MP4 (flite voice, draft pictures)", async () => {
  const db = await freshDatabase("offline_e2e");
  const dataDir = await Deno.makeTempDir({ prefix: "studio-offline-" });
  // Only what a fresh install sets: the database and where data goes. Providers are the defaults.
  const config = loadConfig({ DATABASE_URL: db.url, STUDIO_DATA_DIR: dataDir, WORKER_POLL_MS: "200" });
  assert.deepEqual([config.imageProvider, config.videoProvider, config.audio.provider], ["draft", "draft", "flite"]);
  const worker = await startTestWorker(db, config);
  const app = createApp({ sql: db.sql, config });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  try {
    const started = performance.now();
    const created = await call("POST", "/api/v1/projects", { title: "Offline", script: SCRIPT });
    assert.equal(created.status, 201);
    const projectId = created.body.id;
    // Narration first, so each clip is made as long as its narration.
    assert.equal((await call("POST", `/api/v1/projects/${projectId}/generate-audio`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId, 60_000), "completed");
    assert.equal((await call("POST", `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId, 120_000), "completed");
    const project = (await call("GET", `/api/v1/projects/${projectId}`)).body;
    const sentences = project.sections.flatMap((s: { sentences: unknown[] }) => s.sentences);
    assert.equal(sentences.length, 3);
    for (const s of sentences) {
      assert.deepEqual([s.audio.status, s.image.status, s.video.status], ["done", "done", "done"]);
      // The clip follows its narration (24 fps, whole frames).
      const clip = await probeMedia(join(mediaRoot(dataDir), decodeURIComponent(s.video.url.slice(7))));
      assert.ok(Math.abs(clip.durationMs! - s.audio.take.durationMs) <= 50, `${clip.durationMs} vs narration`);
    }

    const exported = await call("POST", `/api/v1/projects/${projectId}/exports`, { captions: { burnIn: true } });
    assert.equal(exported.status, 202);
    const done = await waitFor(
      "the export",
      async () => {
        const { body } = await call("GET", `/api/v1/exports/${exported.body.export.id}`);
        return body.export.status === "queued" || body.export.status === "running" ? undefined : body.export;
      },
      120_000,
      200,
    );
    assert.equal(done.status, "done", done.error);
    console.log(
      `  script → narrated MP4 in ${Math.round(performance.now() - started)} ms (render ${done.elapsedMs} ms)`,
    );

    const mp4 = join(mediaRoot(dataDir), decodeURIComponent(done.files.mp4.slice(7)));
    const probed = await probeMedia(mp4);
    assert.deepEqual(probed.streams.map((s) => [s.type, s.codec]), [["video", "h264"], ["audio", "aac"]]);
    const frames = sentences.map((s: { audio: { take: { durationMs: number } } }) =>
      Math.ceil((s.audio.take.durationMs * 24) / 1000 - 1e-6)
    );
    const total = frames.reduce((a: number, b: number) => a + b, 0);
    assert.equal(await countVideoFrames(mp4), total);
    assert.ok(Math.abs(probed.durationMs! - (total * 1000) / 24) <= 1000 / 24);
    // The narration is heard.
    const peak = await peakVolumeDb(mp4);
    assert.ok(peak > -20, `narration peak ${peak} dB`);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
