import assert from "node:assert/strict";
import { FailureLimiter, TokenBucket } from "./limiters.ts";

Deno.test("failures lock a client out for the rest of the window; success clears them", () => {
  const limiter = new FailureLimiter(3, 60_000);
  const t = 1_000_000;
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.retryAfterMs("a", t + i), 0);
    limiter.fail("a", t + i);
  }
  assert.equal(limiter.retryAfterMs("a", t + 3), 60_000 - 3);
  assert.equal(limiter.retryAfterMs("b", t + 3), 0, "other clients are not affected");
  assert.equal(limiter.retryAfterMs("a", t + 60_001), 0, "the window has passed");
  limiter.fail("b", t);
  limiter.succeed("b");
  limiter.fail("b", t);
  limiter.fail("b", t);
  assert.equal(limiter.retryAfterMs("b", t), 0);
});

Deno.test("the token bucket allows a burst of perMinute, then one per 60/perMinute s", () => {
  const bucket = new TokenBucket(6);
  const t = 5_000_000;
  for (let i = 0; i < 6; i++) assert.equal(bucket.take("p1", t), 0);
  assert.equal(bucket.take("p1", t), 10_000);
  assert.equal(bucket.take("p2", t), 0, "keys are independent");
  assert.equal(bucket.take("p1", t + 10_000), 0);
  assert.equal(bucket.take("p1", t + 10_000), 10_000);
});

Deno.test("the token bucket forgets keys that are full again (bounded memory)", () => {
  const bucket = new TokenBucket(10);
  for (let i = 0; i < 5000; i++) bucket.take(`k${i}`, 0);
  assert.ok(bucket.size >= 5000);
  for (let i = 0; i < 1002; i++) bucket.take(`late${i}`, 120_000);
  assert.ok(bucket.size <= 1002, `size ${bucket.size}`);
});
