import assert from "node:assert/strict";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { countVideoFrames, probeMedia } from "../media/probe.ts";
import { mediaRoot } from "../media/store.ts";
import { processesMentioning } from "../providers/fixtures/media_checks.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { makeSectionedProject } from "./helpers/narration.ts";
import { removeDataDir, startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";
import type { Sql } from "../core/db/client.ts";

type App = ReturnType<typeof createApp>;

async function call(app: App, method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function waitForExport(app: App, id: number, timeoutMs = 60_000) {
  return await waitFor(
    `export ${id} to end`,
    async () => {
      const { body } = await call(app, "GET", `/api/v1/exports/${id}`);
      return ["done", "failed", "cancelled"].includes(body.export.status) ? body.export : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Cue texts and times (ms) of an .srt file, in file order. */
function srtCues(text: string) {
  const ms = (t: string) => {
    const [h, m, s] = t.replace(",", ".").split(":");
    return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000);
  };
  return [...text.matchAll(/(\d\d:\d\d:\d\d,\d{3}) --> (\d\d:\d\d:\d\d,\d{3})\n((?:.+\n?)+)/g)]
    .map((m) => ({ startMs: ms(m[1]), endMs: ms(m[2]), text: m[3].trim().replace(/\n/g, " ") }));
}

/** Each scene's expected length: its narration rounded up to whole frames at 24 fps. */
async function narrationFrames(sql: Sql, projectId: number): Promise<number[]> {
  const rows = await sql<{ duration_ms: number }[]>`
    select t.duration_ms from sentences s join sections sec on sec.id = s.section_id
    join scene_parts a on a.sentence_id = s.id and a.kind = 'audio' join takes t on t.id = a.take_id
    where s.project_id = ${projectId} order by sec.position, s.position`;
  return rows.map((r) => Math.ceil((r.duration_ms * 24) / 1000 - 1e-6));
}

Deno.test("export: narrated scenes become one MP4 as long as their narration, with its audio, captions and downloads", async () => {
  const db = await freshDatabase("export_api");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId } = await makeSectionedProject(db.sql, 2, 2);
    assert.equal((await call(app, "POST", `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    assert.equal((await call(app, "POST", `/api/v1/projects/${projectId}/generate-audio`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    const started = await call(app, "POST", `/api/v1/projects/${projectId}/exports`, { captions: { burnIn: true } });
    assert.equal(started.status, 202);
    assert.equal(started.body.export.status, "queued");
    assert.deepEqual(started.body.export.options, { captions: { burnIn: true }, placeholders: false });
    const again = await call(app, "POST", `/api/v1/projects/${projectId}/exports`);
    assert.deepEqual([again.status, again.body.export.id], [200, started.body.export.id], "one export at a time");
    const done = await waitForExport(app, started.body.export.id);
    assert.equal(done.status, "done", done.error);
    assert.equal(done.progress, 1);
    assert.equal(done.sceneCount, 4);

    const mp4 = join(mediaRoot(config.dataDir), decodeURIComponent(done.files.mp4.replace(/^\/media\//, "")));
    const probed = await probeMedia(mp4);
    const frames = await narrationFrames(db.sql, projectId);
    const expectedMs = (frames.reduce((a, b) => a + b, 0) * 1000) / 24;
    assert.ok(Math.abs(probed.durationMs! - expectedMs) <= 1000 / 24, `${probed.durationMs} ms vs ${expectedMs} ms`);
    assert.equal(await countVideoFrames(mp4), frames.reduce((a, b) => a + b, 0));
    assert.deepEqual(probed.streams.map((s) => s.type), ["video", "audio"], "one video and one audio stream");
    assert.deepEqual([probed.streams[0].width, probed.streams[0].height], [1280, 720]);
    assert.equal(Math.round(done.durationMs), Math.round(expectedMs));

    // Captions: the sentences in order, each on its scene's time.
    const srt = await app.request(`${done.files.srt}?download`);
    assert.equal(srt.headers.get("content-disposition"), `attachment; filename="${done.files.srt.split("/").at(-1)}"`);
    const cues = srtCues(await srt.text());
    const texts = (await db.sql`select s.text from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${projectId} order by sec.position, s.position`).map((r) => r.text);
    assert.deepEqual(cues.map((c) => c.text), texts);
    assert.ok(cues.every((c, i) => i === 0 || c.startMs >= cues[i - 1].endMs), "in order");
    const vtt = await app.request(done.files.vtt);
    assert.match(await vtt.text(), /^WEBVTT/);
    const download = await app.request(`${done.files.mp4}?download`);
    assert.equal(download.headers.get("content-type"), "video/mp4");
    assert.match(download.headers.get("content-disposition")!, /^attachment; filename="export-\d+-.+\.mp4"$/);
    await download.body?.cancel();

    // Listed on the project; progress was live.
    const list = await call(app, "GET", `/api/v1/projects/${projectId}/exports`);
    assert.deepEqual(list.body.exports.map((e: { id: number }) => e.id), [done.id]);
    const events = await db.sql<{ data: { status: string; progress: number } }[]>`
      select data from events where project_id = ${projectId} and type = 'export.updated' order by id`;
    assert.deepEqual([events[0].data.status, events.at(-1)!.data.status], ["queued", "done"]);
    assert.ok(events.some((e) => e.data.status === "running"));
    await assertInvariants(db.sql, { quiescent: true });

    // Deleting the project deletes its exports and their files.
    assert.equal((await app.request(`/api/v1/projects/${projectId}`, { method: "DELETE" })).status, 204);
    await assert.rejects(Deno.stat(mp4), Deno.errors.NotFound);
    assert.equal((await call(app, "GET", `/api/v1/exports/${done.id}`)).status, 404);
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("export: scenes without picture are refused with the list; stills pan; placeholders render", async () => {
  const db = await freshDatabase("export_refuse");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeSectionedProject(db.sql, 1, 3);
    // Scene 1: image and clip; scene 2: image only; scene 3: nothing.
    for (const [id, parts] of [[sentenceIds[0][0], ["image", "video"]], [sentenceIds[0][1], ["image"]]] as const) {
      assert.equal((await call(app, "POST", `/api/v1/sentences/${id}/regenerate`, { parts })).status, 202);
      assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    }
    const refused = await call(app, "POST", `/api/v1/projects/${projectId}/exports`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error, /Scene 3 has neither a video nor an image/);
    assert.deepEqual(refused.body.missing, [{
      number: 3,
      text: "The keeper climbs stair 3.",
      missing: ["video", "image"],
    }]);
    assert.equal((await db.sql`select count(*)::int as n from exports`)[0].n, 0, "nothing was queued");

    const bad = await call(app, "POST", `/api/v1/projects/${projectId}/exports`, { placeholders: "yes" });
    assert.equal(bad.status, 400);

    const started = await call(app, "POST", `/api/v1/projects/${projectId}/exports`, { placeholders: true });
    assert.equal(started.status, 202);
    const done = await waitForExport(app, started.body.export.id);
    assert.equal(done.status, "done", done.error);
    // Without narration each scene lasts the clip (4 s) or, for the still and the placeholder, the clip length (5 s).
    const mp4 = join(mediaRoot(config.dataDir), decodeURIComponent(done.files.mp4.replace(/^\/media\//, "")));
    assert.equal(await countVideoFrames(mp4), 96 + 120 + 120);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("export: cancel kills ffmpeg at once and leaves no file", async () => {
  const db = await freshDatabase("export_cancel");
  const config = await testConfig(db);
  const worker = await startTestWorker(db, config);
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId } = await makeSectionedProject(db.sql, 1, 24);
    assert.equal((await call(app, "POST", `/api/v1/projects/${projectId}/generate-scenes`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const started = await call(app, "POST", `/api/v1/projects/${projectId}/exports`);
    assert.equal(started.status, 202);
    const id = started.body.export.id;
    await waitFor("ffmpeg to render the export", () => processesMentioning(config.dataDir).length > 0, 20_000, 20);
    await waitFor(
      "the export to report progress",
      async () => {
        const [row] = await db.sql`select progress from exports where id = ${id}`;
        return row.progress > 0;
      },
      20_000,
      50,
    );
    const cancelled = await call(app, "POST", `/api/v1/exports/${id}/cancel`);
    const at = performance.now();
    assert.deepEqual([cancelled.status, cancelled.body.export.status], [200, "cancelled"]);
    await waitFor("ffmpeg to stop", () => processesMentioning(config.dataDir).length === 0, 3000, 10);
    console.log(`  cancel → ffmpeg gone after ${Math.round(performance.now() - at)} ms`);
    await assertInvariants(db.sql, { quiescent: true });
    const folder = join(mediaRoot(config.dataDir), "projects", String(projectId), "exports");
    assert.deepEqual([...Deno.readDirSync(folder)], [], "no partial file");
    assert.equal((await call(app, "GET", `/api/v1/exports/${id}`)).body.export.status, "cancelled");
    // Cancelling again changes nothing; a new export may start.
    assert.equal((await call(app, "POST", `/api/v1/exports/${id}/cancel`)).body.export.status, "cancelled");
    assert.equal((await call(app, "POST", `/api/v1/exports/999999/cancel`)).status, 404);
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
