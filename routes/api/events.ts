/**
 * `GET /api/v1/projects/:id/events`: the project's live events as Server-Sent Events.
 *
 * Wire format (UTF-8, `text/event-stream`), one block per event, blank line between blocks:
 *
 * ```
 * retry: 1000
 * : connected
 *
 * id: 42
 * event: scene.updated
 * data: {"id":42,"projectId":7,"runId":3,"type":"scene.updated","data":{...},"createdAt":"2025-01-01T12:00:00.000Z"}
 *
 * : ping
 * ```
 *
 * - `id:` is the event id (a positive integer, increasing within the stream); `event:` is the
 *   event type; `data:` is the whole {@link StudioEvent} as one line of JSON (its `data` member is
 *   the type-specific payload, documented in the README).
 * - Resume: the `Last-Event-ID` header (EventSource sends it on reconnect) or, for the first
 *   connection of a page, the `lastEventId` query parameter (the header wins when both are sent).
 *   Every event of the project after that id is replayed from the table, then live events follow:
 *   strictly increasing ids, none twice, none missing. Without either, the stream starts at "now".
 *   An id above anything the database ever handed out (e.g. from before a database reset) is
 *   ignored, as if none was sent. Events older than the retention period are gone from the table.
 * - `: ping` comment every `hub.heartbeatMs` (10 s by default), so proxies keep the connection.
 * - A client that falls more than `hub.queueLimit` events behind is disconnected; EventSource
 *   reconnects after `retry` ms with its Last-Event-ID and the rest comes from the table.
 * - Unknown project → 404 JSON; a bad `Last-Event-ID` → 400 JSON; a process without an event hub
 *   (worker-only) → 503 JSON.
 */
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { eventsAfter } from "../../core/live/events.ts";
import type { StudioEvent } from "../../core/types.ts";
import { ApiError, idParam } from "../http.ts";

/** Reconnect delay suggested to EventSource. */
const RETRY_MS = 1000;
/** Events read per query while replaying. */
const REPLAY_PAGE = 500;

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": ping\n\n");
/** Each event is formatted and encoded once, however many clients receive it. */
const wire = new WeakMap<StudioEvent, Uint8Array>();

/** One SSE block for an event. JSON.stringify never emits a raw line break, so one `data:` line. */
export function formatEvent(event: StudioEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function eventBytes(event: StudioEvent): Uint8Array {
  let bytes = wire.get(event);
  if (bytes === undefined) {
    bytes = encoder.encode(formatEvent(event));
    wire.set(event, bytes);
  }
  return bytes;
}

/** One chunk from several (most pulls carry exactly one event: no copy then). */
function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function parseLastEventId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new ApiError(400, `The Last-Event-ID ${JSON.stringify(raw.slice(0, 40))} is not an event id.`);
  }
  return Number(raw.trim());
}

export function eventsApi({ sql, hub }: AppDeps) {
  const api = new Hono();

  api.get("/:id/events", async (c) => {
    const projectId = idParam(c, "id", "project");
    const requested = parseLastEventId(c.req.header("last-event-id") ?? c.req.query("lastEventId"));
    if (!hub) return c.json({ error: "Live updates are not served by this process (it runs the worker only)." }, 503);
    const [project] = await sql`select id from projects where id = ${projectId}`;
    if (!project) throw new ApiError(404, `There is no project with id ${projectId}.`);
    const latest = requested === undefined ? 0 : await hub.latestId();

    // From here to the Response, nothing awaits: the subscription cannot leak.
    const sub = hub.subscribe(projectId);
    let lastSent = requested !== undefined && requested <= latest ? requested : sub.startAfter;
    let replaying = lastSent < sub.startAfter;
    let heartbeatDue = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    // Deno.serve (and app.request's reader) cancel the body when the client goes away.
    const cleanup = () => {
      clearInterval(timer);
      timer = undefined;
      sub.close();
    };

    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n: connected\n\n`));
        timer = setInterval(() => {
          heartbeatDue = true;
          sub.wake();
        }, hub.heartbeatMs);
      },
      async pull(controller) {
        try {
          for (;;) {
            if (sub.closed) {
              cleanup();
              controller.close();
              return;
            }
            const parts: Uint8Array[] = [];
            if (replaying) {
              // Paced by the client: one page per pull. Ids ≤ startAfter are final (see EventHub).
              const page = await eventsAfter(sql, projectId, lastSent, REPLAY_PAGE);
              for (const event of page) {
                if (event.id > sub.startAfter) break;
                parts.push(encoder.encode(formatEvent(event)));
                lastSent = event.id;
              }
              if (lastSent >= sub.startAfter || page.length < REPLAY_PAGE || page.at(-1)!.id > sub.startAfter) {
                replaying = false;
              }
            } else {
              for (const event of sub.take()) {
                if (event.id <= lastSent) continue;
                parts.push(eventBytes(event));
                lastSent = event.id;
              }
            }
            if (heartbeatDue) {
              heartbeatDue = false;
              parts.push(HEARTBEAT);
            }
            if (parts.length) {
              controller.enqueue(concat(parts));
              return;
            }
            if (!replaying) await sub.wait();
          }
        } catch (err) {
          cleanup();
          throw err;
        }
      },
      cancel() {
        cleanup();
      },
    }, { highWaterMark: 1 });

    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  });

  return api;
}
