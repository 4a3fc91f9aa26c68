import assert from "node:assert/strict";
import { advanceHorizon, type HorizonState, lastIdOf, STALE_AFTER_MS } from "./horizon.ts";

const facts = (lastId: number, ...holders: string[]) => ({ lastId, holders: new Set(holders) });

Deno.test("advanceHorizon: table of successive reads", () => {
  // Each row: the facts read, then the horizon and open watermarks expected after the step.
  const cases: { name: string; reads: ReturnType<typeof facts>[]; horizon: number; open: number; known: boolean }[] = [
    { name: "no writer: everything handed out is final", reads: [facts(7)], horizon: 7, open: 0, known: true },
    { name: "a writer open: nothing moves yet", reads: [facts(7, "1:a")], horizon: 0, open: 1, known: false },
    {
      name: "the writer ended, another is open: up to the first read",
      reads: [facts(7, "1:a"), facts(9, "2:b")],
      horizon: 7,
      open: 1,
      known: true,
    },
    {
      name: "same writer still open: one watermark, not two",
      reads: [facts(7, "1:a"), facts(7, "1:a")],
      horizon: 0,
      open: 1,
      known: false,
    },
    {
      name: "overlapping writers: resolves as each one's set ends",
      reads: [facts(5, "1:a"), facts(8, "1:a", "2:b"), facts(9, "2:b", "3:c"), facts(12, "3:c")],
      horizon: 8,
      open: 2,
      known: true,
    },
    {
      name: "then all end: everything up to the last read",
      reads: [facts(5, "1:a"), facts(8, "1:a", "2:b"), facts(12)],
      horizon: 12,
      open: 0,
      known: true,
    },
    {
      name: "the horizon never goes back",
      reads: [facts(10), facts(4)],
      horizon: 10,
      open: 0,
      known: true,
    },
  ];
  for (const c of cases) {
    let state: HorizonState = { horizon: 0, watermarks: [] };
    let known = false;
    for (const [i, read] of c.reads.entries()) {
      const step = advanceHorizon(state, read, i);
      state = step;
      known = step.known;
    }
    assert.equal(state.horizon, c.horizon, `${c.name}: horizon`);
    assert.equal(state.watermarks.length, c.open, `${c.name}: open watermarks`);
    assert.equal(known, c.known, `${c.name}: known`);
  }
});

Deno.test("advanceHorizon: a writer open too long is reported once, without changing the input", () => {
  const first = advanceHorizon({ horizon: 0, watermarks: [] }, facts(3, "9:z"), 0);
  const before = structuredClone(first.watermarks);
  const late = advanceHorizon(first, facts(3, "9:z"), STALE_AFTER_MS + 1);
  assert.deepEqual([...late.stale!.holders], ["9:z"]);
  assert.deepEqual(first.watermarks, before, "the previous state is not modified");
  assert.equal(advanceHorizon(late, facts(3, "9:z"), STALE_AFTER_MS * 2).stale, undefined);
});

Deno.test("lastIdOf: a fresh sequence has handed out nothing", () => {
  assert.equal(lastIdOf({ last_value: "1", is_called: false }), 0);
  assert.equal(lastIdOf({ last_value: "41", is_called: true }), 41);
});
