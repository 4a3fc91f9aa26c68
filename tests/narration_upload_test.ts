import assert from "node:assert/strict";
import { join } from "node:path";
import { makeSectionReading, makeTone, withTempDir } from "../media/fixtures/make_media.ts";
import { MAX_UPLOAD_BYTES } from "../media/audio/upload.ts";
import { mediaRoot } from "../media/store.ts";
import { testApp } from "./helpers/app.ts";
import { audioStates, makeSectionedProject } from "./helpers/narration.ts";
import { startNarration } from "../core/engine/runs.ts";

/** Files under a project's media folder (what an upload left behind). */
function filesOf(dataDir: string, projectId: number): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    try {
      for (const e of Deno.readDirSync(dir)) e.isDirectory ? walk(join(dir, e.name)) : out.push(e.name);
    } catch { /* none yet */ }
  };
  walk(join(mediaRoot(dataDir), "projects", String(projectId)));
  return out.sort();
}

for (const format of ["mp3", "wav", "m4a"] as const) {
  Deno.test(`upload: a ${format} recording sent raw becomes the sentence's narration`, async () => {
    const t = await testApp(`upload_${format}`);
    try {
      await withTempDir(async (dir) => {
        const { projectId, sentenceIds } = await makeSectionedProject(t.db.sql, 1, 2);
        const tone = await makeTone(join(dir, `r.${format}`), 1.5, format);
        const res = await t.app.request(`/api/v1/sentences/${sentenceIds[0][1]}/audio`, {
          method: "PUT",
          headers: { "content-type": format === "mp3" ? "audio/mpeg" : "application/octet-stream" },
          body: (await Deno.open(tone)).readable,
        });
        assert.equal(res.status, 200, await res.clone().text());
        const { audio } = await res.json();
        assert.equal(audio.status, "done");
        assert.equal(audio.take.seed, null);
        assert.ok(Math.abs(audio.take.durationMs - 1500) <= 60, `${audio.take.durationMs} ms`);
        const served = await t.app.request(audio.url);
        assert.equal(served.headers.get("content-type"), "audio/mp4");
        await served.body?.cancel();
        const [state] = (await audioStates(t.db.sql, projectId)).slice(1);
        assert.deepEqual([state.status, state.provider, state.prompt, state.seed], [
          "done",
          "upload",
          state.text,
          null,
        ]);
        const [event] = await t.db.sql`
          select data from events where project_id = ${projectId} and type = 'scene.updated'`;
        assert.deepEqual([event.data.sentenceId, event.data.part, event.data.status], [
          sentenceIds[0][1],
          "audio",
          "done",
        ]);
        assert.equal(filesOf(t.dataDir, projectId).length, 1, "one narration file, nothing temporary");
      });
    } finally {
      await t.close();
    }
  });
}

Deno.test("upload: a form's file is streamed too; refusals are sentences with 413, 415, 409 and leave nothing", async () => {
  const t = await testApp("upload_refusals");
  try {
    await withTempDir(async (dir) => {
      const { projectId, sentenceIds } = await makeSectionedProject(t.db.sql, 1, 2);
      const id = sentenceIds[0][0];
      const form = new FormData();
      form.append("file", new File([await Deno.readFile(await makeTone(join(dir, "r.m4a"), 1, "m4a"))], "take.m4a"));
      const ok = await t.app.request(`/api/v1/sentences/${id}/audio`, { method: "POST", body: form });
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).audio.status, "done");

      const text = new FormData();
      text.append("file", new File(["This is my narration, typed out.\n".repeat(20)], "narration.mp3"));
      const notAudio = await t.app.request(`/api/v1/sentences/${id}/audio`, { method: "POST", body: text });
      assert.equal(notAudio.status, 415);
      assert.match((await notAudio.json()).error, /This is not an audio recording .* Upload an MP3, WAV or M4A/);

      // 1 MB chunks of zeros past the limit, without a Content-Length: stopped at the limit.
      let sent = 0;
      const big = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > MAX_UPLOAD_BYTES + 2 * 1024 * 1024) return controller.close();
          sent += 1024 * 1024;
          controller.enqueue(new Uint8Array(1024 * 1024));
        },
      });
      const tooBig = await t.app.request(`/api/v1/sentences/${id}/audio`, { method: "PUT", body: big });
      assert.equal(tooBig.status, 413);
      assert.match((await tooBig.json()).error, /larger than 50 MB/);

      const empty = await t.app.request(`/api/v1/sentences/${id}/audio`, { method: "PUT", body: new Uint8Array(0) });
      assert.equal(empty.status, 422);

      // Narration of the other sentence is queued (no worker runs here): its upload waits.
      await startNarration(t.db.sql, projectId, { maxAttempts: 3 });
      const busy = await t.app.request(`/api/v1/sentences/${sentenceIds[0][1]}/audio`, {
        method: "PUT",
        body: await Deno.readFile(join(dir, "r.m4a")),
      });
      assert.equal(busy.status, 409);
      assert.match((await busy.json()).error, /being generated right now/);

      assert.equal((await t.app.request(`/api/v1/sentences/999999/audio`, { method: "PUT", body: "x" })).status, 404);
      assert.equal((await t.app.request(`/api/v1/sentences/${id}/audio`)).status, 405);
      assert.equal(filesOf(t.dataDir, projectId).length, 1, "only the accepted recording");
      assert.deepEqual((await audioStates(t.db.sql, projectId)).map((s) => s.status), ["done", "queued"]);
    });
  } finally {
    await t.close();
  }
});

Deno.test("upload: a recording of a whole section is split at its pauses into the sentences' narration", async () => {
  const t = await testApp("upload_section");
  try {
    await withTempDir(async (dir) => {
      const { projectId, sectionIds } = await makeSectionedProject(t.db.sql, 2, 3);
      // Three spoken stretches (1.2 s, 2.0 s, 0.8 s) with 0.6 s pauses between.
      const raw = await makeSectionReading(join(dir, "section.wav"));
      const res = await t.app.request(`/api/v1/sections/${sectionIds[1]}/audio`, {
        method: "PUT",
        headers: { "content-type": "audio/wav" },
        body: (await Deno.open(raw)).readable,
      });
      assert.equal(res.status, 200, await res.clone().text());
      const body = await res.json();
      assert.equal(body.sentences.length, 3);
      const lengths = body.sentences.map((s: { audio: { take: { durationMs: number } } }) => s.audio.take.durationMs);
      [1800, 2600, 1400].forEach((want, i) => assert.ok(Math.abs(lengths[i] - want) <= 60, `${lengths[i]} vs ${want}`));
      const states = await audioStates(t.db.sql, projectId);
      assert.deepEqual(states.map((s) => s.status), ["idle", "idle", "idle", "done", "done", "done"]);
      assert.equal((await t.app.request(`/api/v1/sections/999999/audio`, { method: "PUT", body: "x" })).status, 404);
    });
  } finally {
    await t.close();
  }
});
