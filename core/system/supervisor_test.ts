import assert from "node:assert/strict";
import { restartDecision, type RestartPolicy, type Supervised, Supervisor } from "./supervisor.ts";

const policy: RestartPolicy = { initialMs: 100, maxMs: 1000, maxFailures: 3, windowMs: 60_000 };

Deno.test("restartDecision doubles the delay up to the cap, forgets old failures, gives up past the limit", () => {
  const cases: [number[], number, { giveUp: boolean; delayMs: number; recent: number }][] = [
    [[], 0, { giveUp: false, delayMs: 100, recent: 1 }],
    [[0], 10, { giveUp: false, delayMs: 200, recent: 2 }],
    [[0, 10], 20, { giveUp: false, delayMs: 400, recent: 3 }],
    [[0, 10, 20], 30, { giveUp: true, delayMs: 800, recent: 4 }],
    [[0, 10, 20], 70_000, { giveUp: false, delayMs: 100, recent: 1 }], // all older than the window
    [[50_000, 55_000], 70_000, { giveUp: false, delayMs: 400, recent: 3 }],
  ];
  for (const [earlier, now, expected] of cases) {
    const d = restartDecision(policy, earlier, now);
    assert.deepEqual({ giveUp: d.giveUp, delayMs: d.delayMs, recent: d.recent.length }, expected, `${earlier} @${now}`);
  }
  assert.equal(restartDecision({ ...policy, maxMs: 250 }, [0, 1, 2], 3).delayMs, 250);
  assert.equal(restartDecision({ ...policy, maxFailures: 0 }, [], 0).giveUp, true, "maxFailures 0: never restart");
});

/** A fake part of the app that stops by itself when told to crash. */
function fakeInstance(id: number) {
  const stopped = Promise.withResolvers<unknown>();
  return {
    id,
    stopped: stopped.promise,
    crash: (reason: string) => stopped.resolve(new Error(reason)),
    stop: () => (stopped.resolve(undefined), Promise.resolve()),
  } satisfies Supervised & Record<string, unknown>;
}

Deno.test("Supervisor restarts a crashed instance, logs why, counts restarts, and gives up after the limit", async () => {
  const instances: ReturnType<typeof fakeInstance>[] = [];
  const logs: string[] = [];
  let gaveUp = "";
  let failNextStart = false;
  const supervisor = new Supervisor({
    what: "The thing",
    start: () => {
      if (failNextStart) {
        failNextStart = false;
        return Promise.reject(new Error("the database is down"));
      }
      const instance = fakeInstance(instances.length + 1);
      instances.push(instance);
      return Promise.resolve(instance);
    },
    policy: { initialMs: 10, maxMs: 40, maxFailures: 3, windowMs: 60_000 },
    log: (line) => logs.push(line),
    onGiveUp: (reason) => gaveUp = reason,
  });
  await supervisor.start();
  assert.equal(supervisor.status().state, "running");
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(check());
  };
  instances[0].crash("it fell over");
  await until(() => supervisor.current?.id === 2);
  assert.deepEqual(supervisor.status().restarts, 1);
  assert.match(logs.join("\n"), /The thing stopped unexpectedly \(it fell over\); restarting in 10 ms \(restart 1\)/);
  failNextStart = true; // the next restart fails once, then succeeds
  instances[1].crash("again");
  await until(() => supervisor.current?.id === 3);
  assert.equal(supervisor.status().restarts, 2);
  instances[2].crash("a third time");
  await until(() => gaveUp !== "");
  assert.match(gaveUp, /The thing stopped 4 times within 1 minute \(last: a third time\); giving up\./);
  assert.equal(supervisor.status().state, "failed");
  await supervisor.stop();
});

Deno.test("Supervisor.stop stops the instance and no restart follows", async () => {
  const instance = fakeInstance(1);
  let starts = 0;
  const supervisor = new Supervisor({
    what: "The thing",
    start: () => (starts++, Promise.resolve(instance)),
    log: () => {},
    onGiveUp: () => assert.fail("no give-up on a requested stop"),
  });
  await supervisor.start();
  await supervisor.stop();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(starts, 1);
  assert.equal(supervisor.status().state, "stopped");
});
