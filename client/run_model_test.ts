import assert from "node:assert/strict";
import { answering, runSummary as summary } from "../tests/helpers/run_summary.ts";
import { createApi } from "./api.ts";
import { createRunModel } from "./run_model.ts";

const answer = (run: unknown, status = 202) => Response.json({ run }, { status });

Deno.test("a toast only when a run seen active ends, once; older runs change nothing", () => {
  const model = createRunModel(createApi(answering()));
  // A page that loads an ended run shows no toast.
  model.init({ projectId: 7, run: summary({ status: "completed", finishedScenes: 3 }), serverNow: 0 });
  model.apply(summary({ status: "completed", finishedScenes: 3 }), 1);
  assert.equal(model.toast.value, null);

  model.apply(summary({ id: 2 }), 2);
  assert.equal(model.announce.value, "Generating 3 scenes.");
  model.apply(summary({ id: 2, finishedScenes: 2 }), 3);
  const ended = summary({
    id: 2,
    status: "completed",
    finishedScenes: 3,
    failedScenes: 1,
    finishedAt: "2025-01-01T00:01:00.000Z",
  });
  model.apply(ended, 4);
  assert.deepEqual(model.toast.value, { kind: "warning", text: "2 generated, 1 failed", hasFailures: true, runId: 2 });
  assert.equal(model.announce.value, "2 generated, 1 failed.");
  assert.equal(model.settling.value?.id, 2, "the full bar stays a moment");
  model.dismissToast();
  model.apply(ended, 5);
  assert.equal(model.toast.value, null, "the same ending is not toasted twice");
  model.apply(summary({ id: 1, finishedScenes: 1 }), 6);
  assert.equal(model.run.value?.id, 2, "news of an older run is ignored");
  // A new run takes the last one's toast away and ends the settling.
  model.apply(ended, 7);
  model.apply(summary({ id: 3 }), 8);
  assert.equal(model.settling.value, null);
  assert.equal(model.run.value?.id, 3);
});

Deno.test("a run seen ended never becomes active again: later 'active' news of it is older news", () => {
  const model = createRunModel(createApi(answering()));
  model.init({ projectId: 7, run: summary(), serverNow: 0 });
  const cancelled = summary({ status: "cancelled", finishedScenes: 3, cancelledScenes: 2 });
  model.apply(cancelled); // the cancel's answer (no event id)
  model.apply(summary({ finishedScenes: 2 }), 11); // committed before the cancel, delivered after it
  assert.equal(model.run.value, cancelled);
  assert.equal(model.toast.value?.text, "Cancelled — 1 of 3 scenes generated", "the run's one toast stays");
});

Deno.test("an answer older than the stream is not applied; without events in between it shows at once", async () => {
  let release!: (res: Response) => void;
  const late = new Promise<Response>((resolve) => (release = resolve));
  const model = createRunModel(createApi(answering(late, answer(summary({ id: 4 })))));
  model.init({ projectId: 7, run: null, serverNow: 0 });
  // The stream is faster than the answer: the run started and finished before the POST returned.
  const pending = model.generate();
  assert.equal(model.busy.value, "generate");
  model.apply(summary({ id: 3 }), 11);
  model.apply(summary({ id: 3, status: "completed", finishedScenes: 3 }), 12);
  release(answer(summary({ id: 3 })));
  assert.equal((await pending)?.id, 3);
  assert.equal(model.busy.value, null);
  assert.equal(model.run.value?.status, "completed", "the stale 'active' answer did not win");
  assert.equal(model.toast.value?.text, "3 scenes generated");

  await model.generate();
  assert.equal(model.run.value?.id, 4);
  assert.equal(model.run.value?.status, "active");
  assert.equal(model.toast.value, null, "a new run takes the old toast away");
});

Deno.test("a failed action says why; a failed retry is not shown as retrying; one action at a time", async () => {
  const model = createRunModel(
    createApi(
      answering(
        Response.json({ error: "No scene of this project has failed: there is nothing to retry." }, { status: 409 }),
        answer(summary({ id: 5 })),
      ),
    ),
  );
  model.init({ projectId: 7, run: null, serverNow: 0 });
  const retry = model.retry([21]);
  assert.deepEqual([...model.retrying.value], [21]);
  assert.equal(await model.cancel(), null, "busy: the second action is not sent");
  assert.equal(await retry, null);
  assert.equal(model.error.value, "No scene of this project has failed: there is nothing to retry.");
  assert.equal(model.retrying.value.size, 0);
  model.clearError();
  assert.equal(model.error.value, null);

  // A retry that was accepted stays "retrying" until the stream says the scene is queued.
  await model.retry([22]);
  assert.deepEqual([...model.retrying.value], [22]);
  model.sceneQueued(22);
  assert.equal(model.retrying.value.size, 0);
});

Deno.test("run times on this browser's clock", () => {
  const model = createRunModel(createApi(answering()), () => 10_000);
  model.init({ projectId: 7, run: null, serverNow: 7_000 }); // this clock is 3 s ahead of the server's
  assert.equal(model.localTime("1970-01-01T00:00:05.000Z"), 8_000);
});
