/**
 * Live updates driven by the real engine: POST generate-scenes on a web process, jobs run by a
 * graphile-worker (in-process, or the real `main.ts --worker-only` in its own process), events
 * read by SSE clients. The stream must equal the project's events table: same ids, same order.
 */
import assert from "node:assert/strict";
import type { StudioEvent } from "../core/types.ts";
import { freshDatabase } from "./helpers/db.ts";
import { sceneSteps, startWeb } from "./helpers/live.ts";
import { SseClient } from "./helpers/sse.ts";
import {
  makeProject,
  recordedSimulated,
  removeDataDir,
  spawnWorker,
  startTestWorker,
  testConfig,
  waitFor,
  waitForRunEnd,
} from "./helpers/worker.ts";

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

const db = await freshDatabase("live_engine");
Deno.test.afterAll(() => db.drop());

async function tableIds(projectId: number): Promise<number[]> {
  return (await db.sql<{ id: string }[]>`select id from events where project_id = ${projectId} order by id`)
    .map((r) => Number(r.id));
}

/** Checks the stream tells a consistent story: started first, completed last, chain per sentence. */
function assertRunStory(events: StudioEvent[], sentenceIds: number[]) {
  assert.equal(events[0].type, "run.started");
  assert.equal(events.at(-1)!.type, "run.completed");
  assert.equal((events.at(-1)!.data as { failedScenes: number }).failedScenes, 0);
  let finished = 0;
  for (const e of events.filter((e) => e.type === "run.progress")) {
    const n = (e.data as { finishedScenes: number }).finishedScenes;
    assert.ok(n >= finished, "progress never goes back");
    finished = n;
  }
  assert.equal(finished, sentenceIds.length);
  for (const id of sentenceIds) {
    const steps = sceneSteps(events, id);
    assert.deepEqual(steps, [
      "image:queued",
      "image:running",
      "image:done",
      "video:queued",
      "video:running",
      "video:done",
    ], `sentence ${id}`);
    const done = events.filter((e) =>
      e.type === "scene.updated" && e.data.sentenceId === id && e.data.status === "done"
    );
    for (const e of done) assert.match(String(e.data.url), /^\/media\/.+\.(png|mp4)$/);
  }
}

const parse = (c: SseClient) => c.events.map((e) => JSON.parse(e.data) as StudioEvent);

test("a real run: the stream equals the events table, and a client that drops mid-run resumes exactly", async () => {
  const config = await testConfig(db);
  const { providers } = recordedSimulated(15, 25);
  const worker = await startTestWorker(db, config, providers);
  const web = await startWeb(db);
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 6);
    const watcher = await SseClient.connect(web.eventsUrl(projectId));
    const dropper = await SseClient.connect(web.eventsUrl(projectId));
    const res = await fetch(`${web.base}/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" });
    assert.equal(res.status, 202);
    await res.body?.cancel();

    // Drop the second client part-way through and come back with its last id a little later.
    await dropper.untilCount(12, 10_000);
    await dropper.close();
    const before = dropper.ids();
    await new Promise((r) => setTimeout(r, 150));
    const resumed = await SseClient.connect(web.eventsUrl(projectId), { lastEventId: dropper.parser.lastEventId });

    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");
    const all = await tableIds(projectId);
    await watcher.until(() => watcher.events.at(-1)?.event === "run.completed", 10_000, "run.completed");
    await resumed.until(() => resumed.events.at(-1)?.event === "run.completed", 10_000, "run.completed");
    assert.deepEqual(watcher.ids(), all, "the watcher saw the whole table, in order");
    assert.deepEqual([...before, ...resumed.ids()], all, "dropped + resumed = everything, nothing twice");
    assert.ok(resumed.ids().length > 0);
    assertRunStory(parse(watcher), sentenceIds);

    // The worker registered the hourly prune with graphile-worker's crontab.
    const [cron] = await db
      .sql`select identifier from graphile_worker._private_known_crontabs where identifier = 'prune_events'`;
    assert.ok(cron, "prune_events is in the crontab");
    await watcher.close();
    await resumed.close();
  } finally {
    await web.close();
    await worker.stop();
    await removeDataDir(config);
  }
});

test("two web processes and a separate worker process: both web processes' clients see every event", async () => {
  const config = await testConfig(db, { SIMULATED_IMAGE_MS: "10", SIMULATED_VIDEO_MS: "20" });
  const worker = spawnWorker(db, config);
  const webA = await startWeb(db);
  const webB = await startWeb(db);
  try {
    await waitFor(
      "the worker process to start",
      () => /is taking image, video, narration and export jobs/.test(worker.output()),
      30_000,
    );
    const { projectId, sentenceIds } = await makeProject(db.sql, 5);
    const clients = [
      await SseClient.connect(webA.eventsUrl(projectId)),
      await SseClient.connect(webA.eventsUrl(projectId)),
      await SseClient.connect(webB.eventsUrl(projectId)),
    ];
    // Start the run on web B; the worker process does the work.
    const res = await fetch(`${webB.base}/api/v1/projects/${projectId}/generate-scenes`, { method: "POST" });
    assert.equal(res.status, 202);
    await res.body?.cancel();
    assert.equal(await waitForRunEnd(db.sql, projectId, 30_000), "completed");
    const all = await tableIds(projectId);
    for (const c of clients) {
      await c.until(() => c.events.at(-1)?.event === "run.completed", 10_000, "run.completed");
      assert.deepEqual(c.ids(), all);
    }
    assertRunStory(parse(clients[2]), sentenceIds);
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await webA.close();
    await webB.close();
    worker.child.kill("SIGTERM");
    await worker.status;
    await removeDataDir(config);
  }
});
