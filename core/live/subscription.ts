/**
 * One subscriber of the event hub: a bounded queue of a project's events that the hub fills (in
 * id order, each once) and an SSE stream drains. A subscriber that falls `limit` events behind is
 * cut off ("overflowed"): its stream ends and the browser resumes from its Last-Event-ID.
 */
import type { StudioEvent } from "../types.ts";

/** What a subscription needs from its hub. */
export interface SubscriptionOwner {
  /** A subscription leaves (closed by its owner, or cut off on overflow). */
  _remove(sub: Subscription, overflow?: boolean): void;
}

/**
 * One subscriber's view of the stream: a bounded queue the hub fills and the SSE route drains.
 * Create with {@link EventHub.subscribe}; always {@link close} it.
 */
export class Subscription {
  readonly projectId: number;
  /** The hub delivers every event of the project with an id above this (all ids ≤ it are final). */
  readonly startAfter: number;
  #hub: SubscriptionOwner;
  #limit: number;
  #queue: StudioEvent[] = [];
  #after: number;
  #state: "open" | "overflowed" | "closed" = "open";
  #wake: (() => void) | null = null;

  constructor(hub: SubscriptionOwner, projectId: number, startAfter: number, limit: number) {
    this.#hub = hub;
    this.projectId = projectId;
    this.startAfter = startAfter;
    this.#after = startAfter;
    this.#limit = limit;
  }

  /** True once the queue overflowed: the consumer should end the stream (the client resumes). */
  get overflowed(): boolean {
    return this.#state === "overflowed";
  }

  /** True once closed, overflowed, or the hub stopped. No more events will arrive. */
  get closed(): boolean {
    return this.#state !== "open";
  }

  /** Events waiting, oldest first (and empties the queue). */
  take(): StudioEvent[] {
    const q = this.#queue;
    this.#queue = [];
    return q;
  }

  /** Resolves when events are waiting, the subscription ends, or {@link wake} is called. */
  wait(): Promise<void> {
    if (this.#queue.length || this.#state !== "open") return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#wake;
      this.#wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** Wakes a pending {@link wait} (e.g. for a heartbeat). */
  wake(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Unsubscribes and drops the queue. Idempotent. */
  close(): void {
    if (this.#state === "open") this.#state = "closed";
    this.#queue = [];
    this.#hub._remove(this);
    this.wake();
  }

  /** @internal Called by the hub, in id order. */
  _deliver(event: StudioEvent): void {
    if (this.#state !== "open" || event.id <= this.#after) return;
    if (this.#queue.length >= this.#limit) {
      this.#state = "overflowed";
      this.#queue = [];
      this.#hub._remove(this, true);
      this.wake();
      return;
    }
    this.#after = event.id;
    this.#queue.push(event);
    this.wake();
  }

  /** @internal The hub is stopping. */
  _end(): void {
    if (this.#state === "open") this.#state = "closed";
    this.wake();
  }
}
