/**
 * Defects found by the engine audit, each pinned by a test: an interrupted job keeps its place in
 * its queue, and retry errors name the sentences in plain sentences.
 */
import assert from "node:assert/strict";
import { retryFailed, sentenceList, startRun } from "../core/engine/runs.ts";
import { claimPart } from "../core/engine/transitions.ts";
import { ConflictError, InvalidInputError } from "../core/domain/errors.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import {
  makeProject,
  recordedSimulated,
  removeDataDir,
  startTestWorker,
  testConfig,
  waitFor,
  waitForRunEnd,
} from "./helpers/worker.ts";
import { setPart } from "./helpers/parts.ts";

Deno.test("a job interrupted by a shutdown keeps its place: scene 1 still goes first after a restart", async () => {
  const db = await freshDatabase("engine_audit_order");
  const config = await testConfig(db, { SHUTDOWN_GRACE_MS: "100" });
  let worker = await startTestWorker(db, config, recordedSimulated(10_000, 0).providers);
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 4);
    await startRun(db.sql, projectId, { maxAttempts: config.maxAttempts });
    await waitFor(
      "the first image to run",
      async () => {
        const [row] = await db.sql`select image_status from scene_states where id = ${sentenceIds[0]}`;
        return row.image_status === "running";
      },
      10_000,
      10,
    );
    await worker.stop();

    const jobs = await db.sql<{ key: string }[]>`
      select key from graphile_worker.jobs where task_identifier = 'generate_image' order by run_at, id`;
    assert.deepEqual(jobs.map((j) => j.key), sentenceIds.map((id) => `image:${id}`), "queue order after shutdown");

    const next = recordedSimulated(0, 0);
    worker = await startTestWorker(db, config, next.providers);
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const images = next.calls.filter((c) => c.kind === "image").map((c) => c.prompt.match(/Scene (\d+)/)?.[1]);
    assert.deepEqual(images, ["1", "2", "3", "4"]);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});

Deno.test("retry errors name the sentences in plain sentences", async () => {
  assert.equal(sentenceList([7]), "Sentence 7");
  assert.equal(sentenceList([7, 8, 9]), "Sentences 7, 8 and 9");
  assert.equal(
    sentenceList(Array.from({ length: 25 }, (_, i) => i + 1)),
    `Sentences ${Array.from({ length: 20 }, (_, i) => i + 1).join(", ")} and 5 more`,
  );

  const db = await freshDatabase("engine_audit_messages");
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 2);
    await assert.rejects(
      retryFailed(db.sql, projectId, { maxAttempts: 3 }, [999999]),
      (e: Error) => e instanceof InvalidInputError && e.message === "Sentence 999999 is not in this project.",
    );
    await assert.rejects(
      retryFailed(db.sql, projectId, { maxAttempts: 3 }, sentenceIds),
      (e: Error) =>
        e instanceof ConflictError &&
        e.message ===
          `Sentences ${sentenceIds[0]} and ${sentenceIds[1]} have no failed image, video or narration to retry.`,
    );
  } finally {
    await db.drop();
  }
});

Deno.test("a video prompt the creator saves while the job is writing one wins", async () => {
  const db = await freshDatabase("engine_audit_prompt");
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 1);
    const id = sentenceIds[0];
    await setPart(db.sql, id, "image", { status: "done", path: "projects/x/i.png" });
    const { run } = await startRun(db.sql, projectId, { maxAttempts: 3 });
    // The creator's save holds the row; the job reads the empty prompt, then has to wait for it.
    const editor = await db.sql.reserve();
    await editor`begin`;
    await editor`update sentences set video_prompt = 'Creator: slow crane up' where id = ${id}`;
    const claiming = claimPart(db.sql, { part: "video", runId: run.id, sentenceId: id, attempt: 1 });
    await waitFor(
      "the job to wait for the creator's save",
      async () => {
        const [r] = await db.sql`select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and query ilike '%set video_prompt%'`;
        return r.n > 0;
      },
      10_000,
      10,
    );
    await editor`commit`;
    editor.release();
    const claim = await claiming;
    assert.equal(claim?.prompt, "Creator: slow crane up", "the video is made from the creator's prompt");
    const [row] = await db.sql`select video_prompt from sentences where id = ${id}`;
    assert.equal(row.video_prompt, "Creator: slow crane up", "the creator's prompt is kept");
  } finally {
    await db.drop();
  }
});
