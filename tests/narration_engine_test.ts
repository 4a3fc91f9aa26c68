import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { mediaPath } from "../media/store.ts";
import { probeMedia } from "../media/probe.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { audioStates, makeSectionedProject, recordedVoice } from "./helpers/narration.ts";
import { removeDataDir, startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";
import { createSimulatedProvider } from "../providers/simulated.ts";
import { estimateSpeech } from "../providers/audio/speech_estimate.ts";
import { startFakeSpeechServer } from "./fakes/openai_speech.ts";
import { startFakeTranscriptionServer } from "./fakes/openai_transcribe.ts";

const image = createSimulatedProvider({ imageMs: 0, videoMs: 0 });

function post(app: ReturnType<typeof createApp>, path: string, body?: unknown) {
  return app.request(path, {
    method: "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

Deno.test("narration with a voice that reads sections: one request per section, each sentence its own take", async () => {
  const db = await freshDatabase("narr_sections");
  const config = await testConfig(db);
  const voice = recordedVoice({ delayMs: 30 });
  const worker = await startTestWorker(db, config, { image, video: image, audio: voice.provider });
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sectionIds, sentenceIds } = await makeSectionedProject(db.sql, 2, 3);
    const res = await post(app, `/api/v1/projects/${projectId}/generate-audio`);
    assert.equal(res.status, 202);
    const { run } = await res.json();
    assert.deepEqual(run.audio, { done: 0, total: 6 });
    assert.deepEqual(run.images, { done: 0, total: 0 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    assert.deepEqual(
      voice.calls.map((c) => [c.kind, c.texts.length, c.outcome]),
      [["section", 3, "ok"], ["section", 3, "ok"]],
      "one read per section",
    );
    const states = await audioStates(db.sql, projectId);
    for (const s of states) {
      assert.equal(s.status, "done");
      assert.equal(s.prompt, s.text, "the take was made from the sentence text");
      assert.equal(s.provider, "recorded simulated");
      assert.equal(s.made_by_job, null);
      assert.match(s.path!, /^projects\/\d+\/sentences\/\d+\/audio-.+\.m4a$/);
      const probed = await probeMedia(mediaPath(config.dataDir, s.path!));
      assert.ok(Math.abs(probed.durationMs! - s.duration_ms!) <= 30, `${probed.durationMs} vs ${s.duration_ms}`);
      // "The keeper climbs stair N." is 5 words: 5 × 400 ms + 400 ms around.
      assert.ok(Math.abs(s.duration_ms! - 2400) <= 30, `${s.duration_ms} ms`);
      assert.deepEqual(s.words!.map((w) => w.text), s.text.split(" "));
    }
    // The API shows it; the file is served.
    const sentence = await (await app.request(`/api/v1/sentences/${sentenceIds[1][2]}`)).json();
    assert.equal(sentence.audio.status, "done");
    assert.ok(sentence.audio.durationMs > 2000);
    assert.equal(sentence.audio.durationMs, sentence.audio.take.durationMs);
    const served = await app.request(sentence.audio.url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), "audio/mp4");
    await served.body?.cancel();
    const summary = (await (await app.request(`/api/v1/projects/${projectId}/scene-run`)).json()).run;
    assert.deepEqual(summary.audio, { done: 6, total: 6 });
    // The done events carry the words' places in the text, for highlighting.
    const [done] = await db.sql`
      select data from events where project_id = ${projectId} and type = 'scene.updated'
        and data->>'status' = 'done' and (data->>'sentenceId')::int = ${sentenceIds[0][0]}`;
    assert.deepEqual(done.data.words.slice(0, 4), [0, 3, 200, 540]);
    await assertInvariants(db.sql, { quiescent: true });

    // Everything narrated: nothing to do; one section "all" again reads that section only.
    const again = await post(app, `/api/v1/projects/${projectId}/generate-audio`);
    assert.equal(again.status, 409);
    assert.match((await again.json()).error, /already has its narration/);
    const one = await post(app, `/api/v1/projects/${projectId}/generate-audio`, {
      sectionIds: [sectionIds[1]],
      scope: "all",
    });
    assert.equal(one.status, 202);
    assert.deepEqual((await one.json()).run.audio, { done: 0, total: 3 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    assert.equal(voice.calls.length, 3);
    assert.deepEqual(voice.calls[2].texts, (await audioStates(db.sql, projectId)).slice(3).map((s) => s.text));
    const bad = await post(app, `/api/v1/projects/${projectId}/generate-audio`, { sectionIds: [999999] });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /Section 999999 is not in this project/);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("narration with a voice that reads sentences only: a job per sentence, the voice's own format kept", async () => {
  const db = await freshDatabase("narr_sentences");
  const config = await testConfig(db);
  const voice = recordedVoice({ sections: false });
  const worker = await startTestWorker(db, config, { image, video: image, audio: voice.provider });
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sectionIds } = await makeSectionedProject(db.sql, 2, 2);
    assert.equal(
      (await post(app, `/api/v1/projects/${projectId}/generate-audio`, { sectionIds: [sectionIds[0]] }))
        .status,
      202,
    );
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    assert.deepEqual(voice.calls.map((c) => c.kind), ["sentence", "sentence"]);
    const states = await audioStates(db.sql, projectId);
    assert.deepEqual(states.map((s) => s.status), ["done", "done", "idle", "idle"]);
    assert.match(states[0].path!, /\.wav$/, "the simulated voice writes WAV, stored as .wav");
    assert.ok(states[0].words!.length === 5);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("narration failures: [fail] in one sentence fails only it, [flaky] retries the section; the failure list and retry", async () => {
  const db = await freshDatabase("narr_fail");
  const config = await testConfig(db);
  const voice = recordedVoice();
  const worker = await startTestWorker(db, config, { image, video: image, audio: voice.provider });
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId, sentenceIds } = await makeSectionedProject(db.sql, 2, 3);
    await db.sql`update sentences set text = 'The keeper [fail] climbs.' where id = ${sentenceIds[0][1]}`;
    await db.sql`update sentences set text = 'The keeper [flaky] rests.' where id = ${sentenceIds[1][0]}`;
    assert.equal((await post(app, `/api/v1/projects/${projectId}/generate-audio`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    const states = await audioStates(db.sql, projectId);
    assert.deepEqual(states.map((s) => [s.status, s.attempts]), [
      ["done", 1],
      ["failed", 1],
      ["done", 1],
      ["done", 2],
      ["done", 2],
      ["done", 2],
    ]);
    assert.match(states[1].error!, /\[fail\] marker/);
    // Section 1 was refused, then read sentence by sentence; section 2 failed once and was read again.
    assert.deepEqual(voice.calls.map((c) => [c.kind, c.attempt, c.outcome]), [
      ["section", 1, "error"],
      ["sentence", 1, "ok"],
      ["sentence", 1, "error"],
      ["sentence", 1, "ok"],
      ["section", 1, "error"],
      ["section", 2, "ok"],
    ]);
    // The failure details list it.
    const { run } = await (await app.request(`/api/v1/projects/${projectId}/scene-run`)).json();
    assert.equal(run.failedScenes, 1);
    assert.deepEqual(run.failed.map((f: { number: number; part: string }) => [f.number, f.part]), [[2, "audio"]]);
    assert.deepEqual(run.audio, { done: 5, total: 6 });
    await assertInvariants(db.sql, { quiescent: true });

    // The creator fixes the sentence and retries just it.
    const patched = await app.request(`/api/v1/sentences/${sentenceIds[0][1]}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "The keeper climbs." }),
    });
    assert.equal(patched.status, 200);
    const retry = await post(app, `/api/v1/projects/${projectId}/retry-failed-scenes`, {
      sentenceIds: [sentenceIds[0][1]],
    });
    assert.equal(retry.status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const fixed = (await audioStates(db.sql, projectId))[1];
    assert.deepEqual([fixed.status, fixed.prompt], ["done", "The keeper climbs."]);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("cancel stops a section being read: every claimed sentence ends cancelled, no job left", async () => {
  const db = await freshDatabase("narr_cancel");
  const config = await testConfig(db);
  const voice = recordedVoice({ delayMs: 3000 });
  const worker = await startTestWorker(db, config, { image, video: image, audio: voice.provider });
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId } = await makeSectionedProject(db.sql, 2, 3);
    assert.equal((await post(app, `/api/v1/projects/${projectId}/generate-audio`)).status, 202);
    await waitFor("the first section to be read", async () => {
      const states = await audioStates(db.sql, projectId);
      return states.slice(0, 3).every((s) => s.status === "running") && states[1].made_by_job !== null;
    });
    await assertInvariants(db.sql);
    const started = performance.now();
    const res = await post(app, `/api/v1/projects/${projectId}/cancel-scenes`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).cancelled, 6);
    await waitFor("the voice to stop", () => voice.calls.every((c) => c.outcome !== "running"), 2000, 5);
    assert.ok(performance.now() - started < 1500, "stopped at once");
    assert.deepEqual(voice.calls.map((c) => [c.kind, c.outcome]), [["section", "aborted"]]);
    const states = await audioStates(db.sql, projectId);
    assert.deepEqual(states.map((s) => [s.status, s.made_by_job, s.path]), Array(6).fill(["cancelled", null, null]));
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("narration from an OpenAI-compatible speech server: with a transcription server a section is one request, cut at its sentences", async () => {
  const db = await freshDatabase("narr_openai");
  const tts = startFakeSpeechServer();
  const stt = startFakeTranscriptionServer();
  const config = await testConfig(db, { AUDIO_PROVIDER: "openai", TTS_API_URL: tts.url, STT_API_URL: stt.url });
  // The voices come from the settings, as in production.
  const worker = await startTestWorker(db, config, { image, video: image });
  try {
    const app = createApp({ sql: db.sql, config });
    const { projectId } = await makeSectionedProject(db.sql, 1, 3);
    const texts = (await audioStates(db.sql, projectId)).map((s) => s.text);
    stt.words = estimateSpeech(texts.join(" ")).words;
    assert.equal((await post(app, `/api/v1/projects/${projectId}/generate-audio`)).status, 202);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    assert.deepEqual(tts.calls.map((c) => c.body.input), [texts.join(" ")], "one request for the section");
    assert.equal(stt.calls.length, 1);
    const states = await audioStates(db.sql, projectId);
    // Word slots are 400 ms after a 200 ms lead; each cut lies halfway through the 60 ms gap after a
    // sentence's fifth word.
    const total = estimateSpeech(texts.join(" ")).durationMs;
    const cuts = [0, 200 + 5 * 400 - 30, 200 + 10 * 400 - 30, total];
    for (const [i, s] of states.entries()) {
      assert.deepEqual([s.status, s.provider], ["done", "openai"]);
      assert.match(s.path!, /\.m4a$/);
      const want = cuts[i + 1] - cuts[i];
      assert.ok(Math.abs(s.duration_ms! - want) <= 30, `sentence ${i + 1}: ${s.duration_ms} ms, expected ${want}`);
      assert.deepEqual(s.words!.map((w) => w.text), s.text.split(" "));
    }

    // Without a transcription server the same voice reads sentence by sentence.
    await db.sql`update sentences set text = text || ' Again.' where project_id = ${projectId}`;
    const sentences = await testConfig(db, { AUDIO_PROVIDER: "openai", TTS_API_URL: tts.url });
    await worker.stop();
    const second = await startTestWorker(db, sentences, { image, video: image });
    try {
      assert.equal((await post(app, `/api/v1/projects/${projectId}/generate-audio`)).status, 202);
      assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
      assert.deepEqual(tts.calls.slice(1).map((c) => c.body.input), texts.map((t) => `${t} Again.`));
      assert.equal(stt.calls.length, 1);
      await removeDataDir(sentences);
    } finally {
      await second.stop();
    }
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await tts.close();
    await stt.close();
    await db.drop();
    await removeDataDir(config);
  }
});
