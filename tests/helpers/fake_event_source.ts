/**
 * A stand-in for the browser's EventSource (a browser API, not our code) that a unit test drives by
 * hand: open it, send events as our server would frame them, make it fail.
 */
import type { EventType } from "../../core/types.ts";

export class FakeEventSource extends EventTarget {
  /** Every source created since the last {@link FakeEventSource.reset}, in order. */
  static instances: FakeEventSource[] = [];
  static reset(): typeof EventSource {
    FakeEventSource.instances = [];
    return FakeEventSource as unknown as typeof EventSource;
  }
  static get last(): FakeEventSource {
    return FakeEventSource.instances.at(-1)!;
  }

  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    super();
    FakeEventSource.instances.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  /** An event as the server sends it: `id:`, `event:` = type, `data:` = the whole StudioEvent. */
  send(id: number, type: EventType, data: unknown): void {
    const event = { id, projectId: 7, runId: 1, type, data, createdAt: new Date().toISOString() };
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(event), lastEventId: String(id) }));
  }
  /** The connection dropped and the browser retries by itself (readyState CONNECTING). */
  drop(): void {
    this.readyState = 0;
    this.onerror?.();
  }
  /** The browser gave up (an HTTP error): readyState CLOSED. */
  fail(): void {
    this.readyState = 2;
    this.onerror?.();
  }
  close(): void {
    this.readyState = 2;
  }
}
