import assert from "node:assert/strict";
import { spokenWordAt } from "./spoken_word.ts";

const spans = [0, 3, 100, 300, 4, 8, 300, 700];
for (
  const [ms, want] of [[0, -1], [100, 0], [299, 0], [300, 1], [1000, 1], [1101, -1]] as const
) {
  Deno.test(`word spans: at ${ms} ms the word lit is ${want}`, () => assert.equal(spokenWordAt(spans, ms), want));
}
