/**
 * A Server-Sent Events client for tests and benchmarks: parses the stream as the HTML spec says
 * (CR, LF or CRLF line ends; `field: value` with one optional space; comments; multi-line data;
 * dispatch on a blank line) and keeps every event and comment with the time it arrived.
 */

export interface SseEvent {
  /** The `id:` of this event ("" when the event had none). */
  id: string;
  /** The `event:` field, "message" when absent. */
  event: string;
  data: string;
  /** performance.now() when the dispatching blank line arrived. */
  at: number;
}

/** Incremental parser; feed it decoded text chunks. */
export class SseParser {
  #buffer = "";
  #data: string[] = [];
  #event = "";
  #id = "";
  #hasId = false;
  /** The last event id seen, as EventSource would send back in Last-Event-ID. */
  lastEventId = "";
  retry: number | undefined;

  constructor(
    private onEvent: (e: SseEvent) => void,
    private onComment: (text: string) => void = () => {},
  ) {}

  push(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.#buffer);
      if (!m) break;
      // A lone CR at the very end may be the first half of CRLF: wait for more.
      if (m[0] === "\r" && m.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, m.index);
      this.#buffer = this.#buffer.slice(m.index + m[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === "") {
      if (this.#hasId) this.lastEventId = this.#id;
      if (this.#data.length) {
        this.onEvent({
          id: this.#hasId ? this.#id : "",
          event: this.#event || "message",
          data: this.#data.join("\n"),
          at: performance.now(),
        });
      }
      this.#data = [];
      this.#event = "";
      this.#hasId = false;
      return;
    }
    if (line.startsWith(":")) {
      this.onComment(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
    else if (field === "id" && !value.includes("\0")) {
      this.#id = value;
      this.#hasId = true;
    } else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

/** A connected stream: events and comments accumulate; wait for them with the helpers. */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  readonly response: Response;
  readonly parser: SseParser;
  /** Resolves when the server ends the stream (or it fails). */
  readonly done: Promise<void>;
  #abort: AbortController;
  #changed: (() => void)[] = [];

  private constructor(response: Response, abort: AbortController) {
    this.response = response;
    this.#abort = abort;
    this.parser = new SseParser(
      (e) => {
        this.events.push(e);
        this.#notify();
      },
      (c) => {
        this.comments.push(c);
        this.#notify();
      },
    );
    this.done = this.#read();
  }

  /**
   * Opens `url`. `lastEventId` goes in the Last-Event-ID header. Rejects on a non-200 answer
   * (use plain fetch to test those).
   */
  static async connect(
    url: string,
    options: { lastEventId?: string | number; fetch?: (r: Request) => Response | Promise<Response> } = {},
  ): Promise<SseClient> {
    const abort = new AbortController();
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.lastEventId !== undefined) headers["last-event-id"] = String(options.lastEventId);
    const request = new Request(url, { headers, signal: abort.signal });
    const response = await (options.fetch ? options.fetch(request) : fetch(request));
    if (response.status !== 200) {
      const text = await response.text();
      throw new Error(`SSE connect to ${url} answered ${response.status}: ${text}`);
    }
    return new SseClient(response, abort);
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    const reader = this.response.body!.getReader();
    this.#reader = reader;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.parser.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted or reset: the stream is over either way
    } finally {
      this.#closed = true;
      this.#notify();
    }
  }

  #closed = false;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  get closed(): boolean {
    return this.#closed;
  }

  #notify(): void {
    const waiters = this.#changed;
    this.#changed = [];
    for (const w of waiters) w();
  }

  /** Waits until `predicate()` holds, re-checking on every event, comment or end of stream. */
  async until(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (got ${this.events.length} events).`);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#changed.push(resolve);
        timer = setTimeout(resolve, Math.min(left, 250));
      });
      clearTimeout(timer);
    }
  }

  /** Waits for at least `n` events in total. */
  untilCount(n: number, timeoutMs = 5000): Promise<void> {
    return this.until(() => this.events.length >= n, timeoutMs, `${n} events`);
  }

  /** Event ids received, as numbers. */
  ids(): number[] {
    return this.events.map((e) => Number(e.id));
  }

  /** Disconnects (like closing the tab). */
  async close(): Promise<void> {
    this.#abort.abort();
    // In-process responses (app.request) ignore the request's signal: cancel the body too.
    await this.#reader?.cancel().catch(() => {});
    await this.done;
  }
}
