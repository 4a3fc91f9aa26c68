/**
 * A shared backoff for failures that affect every job alike (a full disk, the database gone): each
 * failure in a row waits longer (doubling from `initialMs` to `maxMs`); a success resets it. One
 * per worker process, so all its jobs wait together instead of each burning its own attempts.
 */
export class Backoff {
  #failures = 0;
  constructor(readonly initialMs: number, readonly maxMs: number) {}

  /** The wait before the next try after one more failure in a row. */
  next(): number {
    const ms = Math.min(this.maxMs, this.initialMs * 2 ** this.#failures);
    this.#failures++;
    return ms;
  }

  /** Something succeeded: the next failure starts again at `initialMs`. */
  reset(): void {
    this.#failures = 0;
  }
}
