/**
 * In-memory rate limits (per process; several web processes each count on their own):
 * {@link FailureLimiter} for wrong tokens per client address, {@link TokenBucket} for actions
 * per key (generate / cancel / retry per project). Both forget keys that hold no state, so their
 * memory is bounded by recent activity. Time is passed in, so tests need no clock.
 */

/** Locks a key out after `maxFailures` failures within `windowMs`, until the window has passed. */
export class FailureLimiter {
  #failures = new Map<string, number[]>();

  constructor(readonly maxFailures: number, readonly windowMs: number) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string, now = Date.now()): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.maxFailures) return 0;
    return recent[recent.length - this.maxFailures] + this.windowMs - now;
  }

  /** Records a failed attempt. */
  fail(key: string, now = Date.now()): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    this.#failures.set(key, recent.slice(-this.maxFailures));
    if (this.#failures.size > 10_000) this.#prune(now);
  }

  /** A successful attempt clears the key's failures. */
  succeed(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  #prune(now: number) {
    for (const key of [...this.#failures.keys()]) {
      if (this.#recent(key, now).length === 0) this.#failures.delete(key);
    }
  }
}

/** Allows `perMinute` actions per key and minute, in bursts of up to `perMinute`. */
export class TokenBucket {
  #buckets = new Map<string, { tokens: number; at: number }>();
  #sincePrune = 0;

  constructor(readonly perMinute: number) {}

  /** Takes one token for `key`: 0 when allowed, else the ms until the next token. */
  take(key: string, now = Date.now()): number {
    const bucket = this.#refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#buckets.set(key, bucket);
      if (++this.#sincePrune > 1000) this.#prune(now);
      return 0;
    }
    this.#buckets.set(key, bucket);
    return Math.ceil((1 - bucket.tokens) * 60_000 / this.perMinute);
  }

  /** Keys tracked now (for tests of the memory bound). */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, now: number) {
    const b = this.#buckets.get(key);
    if (!b) return { tokens: this.perMinute, at: now };
    return { tokens: Math.min(this.perMinute, b.tokens + (now - b.at) * this.perMinute / 60_000), at: now };
  }

  #prune(now: number) {
    this.#sincePrune = 0;
    for (const key of [...this.#buckets.keys()]) {
      if (this.#refilled(key, now).tokens >= this.perMinute) this.#buckets.delete(key); // full = no state
    }
  }
}
