/**
 * The page's one live connection: an EventSource on the project's event stream
 * (`/api/v1/projects/:id/events`), handing the events on in id order, each once, in batches.
 *
 * - Resume: the first connection asks for the events after the page's render (`?lastEventId=`); the
 *   browser's own reconnects send `Last-Event-ID`; when the browser gives up (an HTTP error closes
 *   the source) it is reopened after 1 s, 2 s, 4 s… (at most 15 s) from the last event received.
 * - Once: an event whose id is not above the last one received is dropped (a replay overlaps).
 * - Batches: a burst (a run of 500 scenes starts with 500 "queued" events) is handed on at most once
 *   per animation frame, so it costs one render, not 500; a 100 ms timer stands in for the frames a
 *   hidden tab does not get.
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { EventType } from "../core/types.ts";

/** The stream's state, as the toolbar shows it. */
export type Connection = "idle" | "connecting" | "open" | "reconnecting";

/** One event of the stream: its id, its type and its type's payload (`StudioEvent.data`). */
export interface StreamEvent {
  id: number;
  type: EventType;
  data: unknown;
}

const EVENT_TYPES: readonly EventType[] = [
  "run.started",
  "scene.updated",
  "scenes.updated",
  "sentence.updated",
  "project.updated",
  "prompts.updated",
  "run.progress",
  "run.completed",
  "run.cancelled",
  "export.updated",
];
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;
const HIDDEN_TAB_FLUSH_MS = 100;

/** Options of {@link createEventStream}. */
export interface EventStreamOptions {
  /** The URL of a connection that resumes after `lastEventId`. */
  url(lastEventId: number): string;
  /** Receives the events, in id order, each once, a batch at a time. */
  onEvents(events: StreamEvent[]): void;
  /** Default: the global one (the browser's). */
  EventSource?: typeof EventSource;
  /** Runs `flush` soon. Default: the next animation frame, or after 100 ms when no frame comes. */
  schedule?(flush: () => void): void;
}

/** The page's event stream; see the module doc. */
export interface EventStream {
  readonly connection: ReadonlySignal<Connection>;
  /** Opens the stream after event `lastEventId` (the page's render); a no-op while one is open. */
  connect(lastEventId: number): void;
}

/** Calls `flush` on the next animation frame, or after 100 ms in a hidden tab. */
function nextFrame(flush: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    flush();
  };
  const timer = setTimeout(run, HIDDEN_TAB_FLUSH_MS);
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
}

/**
 * The page's one EventSource (see the module doc).
 *
 * @example
 * const stream = createEventStream({
 *   url: (after) => `/api/v1/projects/7/events?lastEventId=${after}`,
 *   onEvents: (events) => batch(() => events.forEach(apply)),
 * });
 * stream.connect(pageLastEventId);
 */
export function createEventStream(options: EventStreamOptions): EventStream {
  const Source = options.EventSource ?? (typeof EventSource === "undefined" ? undefined : EventSource);
  const schedule = options.schedule ?? nextFrame;
  const connection = signal<Connection>("idle");
  let lastEventId = 0;
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = FIRST_RETRY_MS;
  let pending: StreamEvent[] = [];

  const flush = () => {
    const events = pending;
    pending = [];
    if (events.length) options.onEvents(events);
  };

  const receive = (type: EventType, message: MessageEvent<string>) => {
    const id = Number(message.lastEventId);
    if (!(id > lastEventId)) return; // received already (or no id: not from our server)
    lastEventId = id;
    let event: { data?: unknown };
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (!pending.length) schedule(flush);
    pending.push({ id, type, data: event?.data });
  };

  const open = () => {
    if (source || !Source) return;
    clearTimeout(retryTimer);
    const opened = new Source(options.url(lastEventId));
    source = opened;
    connection.value = connection.peek() === "idle" ? "connecting" : "reconnecting";
    for (const type of EVENT_TYPES) {
      opened.addEventListener(type, (e) => receive(type, e as MessageEvent<string>));
    }
    opened.onopen = () => {
      connection.value = "open";
      retryMs = FIRST_RETRY_MS;
    };
    opened.onerror = () => {
      connection.value = "reconnecting";
      // CONNECTING: the browser reconnects by itself, sending Last-Event-ID.
      if (opened.readyState !== 2 /* CLOSED: the browser gave up */) return;
      opened.close();
      if (source === opened) source = null;
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    };
  };

  return {
    connection,
    connect(after) {
      if (source) return;
      lastEventId = Math.max(lastEventId, after);
      open();
    },
  };
}
