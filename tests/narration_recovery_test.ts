import assert from "node:assert/strict";
import { startNarration } from "../core/engine/runs.ts";
import { claimSectionNarration } from "../core/engine/section_claim.ts";
import { reconcile } from "../core/engine/recovery.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { audioStates, makeSectionedProject, recordedVoice } from "./helpers/narration.ts";
import { removeDataDir, spawnWorker, startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";
import { createSimulatedProvider } from "../providers/simulated.ts";

const media = createSimulatedProvider({ imageMs: 0, videoMs: 0 });
const SETTINGS = { maxAttempts: 3 };

Deno.test("recovery: a section job whose worker vanished hands every claimed sentence back; a new worker reads it", async () => {
  const db = await freshDatabase("narr_recover");
  const config = await testConfig(db);
  try {
    const { projectId, sentenceIds } = await makeSectionedProject(db.sql, 2, 3);
    const { run } = await startNarration(db.sql, projectId, SETTINGS);
    // A worker claims section 1 (as its job would) and dies before graphile-worker locked anything.
    const claims = await claimSectionNarration(db.sql, { runId: run.id, sentenceId: sentenceIds[0][0], attempt: 1 });
    assert.deepEqual(claims.map((c) => c.sentenceId), sentenceIds[0]);
    let states = await audioStates(db.sql, projectId);
    assert.deepEqual(states.map((s) => [s.status, s.made_by_job]), [
      ["running", null],
      ["running", `audio:${sentenceIds[0][0]}`],
      ["running", `audio:${sentenceIds[0][0]}`],
      ["queued", null],
      ["queued", null],
      ["queued", null],
    ]);
    const jobs = await db.sql`select key from graphile_worker.jobs order by key`;
    assert.deepEqual(
      jobs.map((j) => j.key).sort(),
      [sentenceIds[0][0], ...sentenceIds[1]].map((id) => `audio:${id}`).sort(),
    );
    await assertInvariants(db.sql);

    const report = await reconcile(db.sql, SETTINGS);
    assert.equal(report.released, 3, "the three sentences shown running go back to queued");
    states = await audioStates(db.sql, projectId);
    assert.deepEqual(states.slice(0, 3).map((s) => s.status), ["queued", "queued", "queued"]);
    await assertInvariants(db.sql);

    const voice = recordedVoice();
    const worker = await startTestWorker(db, config, { image: media, video: media, audio: voice.provider });
    try {
      assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
      assert.deepEqual(voice.calls.map((c) => [c.kind, c.texts.length]), [["section", 3], ["section", 3]]);
      assert.ok((await audioStates(db.sql, projectId)).every((s) => s.status === "done"));
      await assertInvariants(db.sql, { quiescent: true });
    } finally {
      await worker.stop();
    }
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("recovery: a section job dead on its last attempt fails every sentence it claimed, with the reason", async () => {
  const db = await freshDatabase("narr_dead");
  const config = await testConfig(db);
  try {
    const { projectId, sentenceIds } = await makeSectionedProject(db.sql, 1, 3);
    const { run } = await startNarration(db.sql, projectId, SETTINGS);
    await claimSectionNarration(db.sql, { runId: run.id, sentenceId: sentenceIds[0][0], attempt: 3 });
    await db.sql`
      update graphile_worker._private_jobs set attempts = max_attempts, last_error = 'out of memory'
      where key = ${`audio:${sentenceIds[0][0]}`}`;
    const report = await reconcile(db.sql, SETTINGS);
    assert.equal(report.failed, 3);
    const states = await audioStates(db.sql, projectId);
    for (const s of states) {
      assert.equal(s.status, "failed");
      assert.match(s.error!, /could not be generated\. It failed 3 times; the last error was: out of memory/);
    }
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("a worker killed with SIGKILL while reading a section: another worker finishes the narration", async () => {
  const db = await freshDatabase("narr_kill");
  const config = await testConfig(db, { SIMULATED_AUDIO_MS: "4000" });
  const first = spawnWorker(db, config);
  let second: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  try {
    await waitFor("the worker subprocess to start", async () => {
      return (await db.sql`select 1 from worker_heartbeats`).length > 0;
    }, 30_000);
    const { projectId } = await makeSectionedProject(db.sql, 2, 2);
    await startNarration(db.sql, projectId, SETTINGS);
    await waitFor("section 1 to be read", async () => {
      const states = await audioStates(db.sql, projectId);
      return states[0].status === "running" && states[1].made_by_job !== null;
    }, 15_000);
    first.child.kill("SIGKILL");
    await first.status;

    const voice = recordedVoice();
    second = await startTestWorker(db, config, { image: media, video: media, audio: voice.provider });
    assert.equal(await waitForRunEnd(db.sql, projectId, 30_000), "completed");
    const states = await audioStates(db.sql, projectId);
    assert.deepEqual(states.map((s) => s.status), ["done", "done", "done", "done"]);
    assert.deepEqual(states.map((s) => s.attempts), [2, 2, 1, 1], "the killed attempt counts for section 1");
    assert.deepEqual(voice.calls.map((c) => [c.kind, c.texts.length]), [["section", 2], ["section", 2]]);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    try {
      first.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await first.status;
    await second?.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
