import assert from "node:assert/strict";
import { Backoff } from "./backoff.ts";

Deno.test("Backoff doubles per failure in a row, up to its maximum, and starts over after a success", () => {
  const b = new Backoff(2000, 10_000);
  assert.deepEqual([b.next(), b.next(), b.next(), b.next()], [2000, 4000, 8000, 10_000]);
  b.reset();
  assert.equal(b.next(), 2000);
});
