/**
 * The WebSocket to one ComfyUI server (`/ws?clientId=…`), shared by every prompt of one provider
 * instance: one stable clientId, because a second socket with the same id evicts the first
 * (FACTS.md §2.1, §8.5).
 *
 * It opens when the first prompt subscribes and closes a little after the last one leaves. A socket
 * that closes is reopened with doubling backoff. A small JSON text frame goes out every
 * `keepAliveMs` (the server sends no pings, and proxies cut idle sockets); binary frames (previews)
 * are ignored. Messages are handed to subscribers by `prompt_id`; the last few are kept so that a
 * subscriber who learns its id late (old servers mint their own) still sees `execution_start`.
 * Events are never replayed by ComfyUI after a reconnect, so callers treat the socket as a hint
 * and `/history` as the truth.
 */

/** A JSON message from ComfyUI. */
export interface ComfyMessage {
  type: string;
  data: Record<string, unknown>;
}

/** Options of {@link ComfySocket}. */
export interface ComfySocketOptions {
  url: string;
  /** Keep-alive text frame interval. Default 20 s. */
  keepAliveMs?: number;
  /** First reconnect delay; doubles up to `maxBackoffMs`. Default 250 ms. */
  minBackoffMs?: number;
  /** Default 10 s. */
  maxBackoffMs?: number;
  /** How long to stay open after the last subscriber left. Default 10 s. */
  lingerMs?: number;
}

type Handler = (message: ComfyMessage) => void;

const RECENT_LIMIT = 256;

/** One reconnecting WebSocket to a ComfyUI server. */
export class ComfySocket {
  readonly #options: Required<ComfySocketOptions>;
  #ws: WebSocket | undefined;
  #open = false;
  #closed = false;
  #backoffMs: number;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #byPrompt = new Map<string, Set<Handler>>();
  readonly #broadcast = new Set<Handler>();
  readonly #recent: ComfyMessage[] = [];
  #connectionListeners = new Set<(open: boolean) => void>();

  constructor(options: ComfySocketOptions) {
    this.#options = {
      keepAliveMs: 20_000,
      minBackoffMs: 250,
      maxBackoffMs: 10_000,
      lingerMs: 10_000,
      ...options,
    };
    this.#backoffMs = this.#options.minBackoffMs;
  }

  /** Whether the socket is open now. */
  get connected(): boolean {
    return this.#open;
  }

  /**
   * Calls `handler` with every message about `promptId` (those already received included), until
   * the returned function is called. Opens the socket if needed.
   */
  subscribe(promptId: string, handler: Handler): () => void {
    let set = this.#byPrompt.get(promptId);
    if (!set) this.#byPrompt.set(promptId, set = new Set());
    set.add(handler);
    this.#ensureOpen();
    for (const message of this.#recent.filter((m) => m.data.prompt_id === promptId)) handler(message);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.#byPrompt.delete(promptId);
      this.#maybeLinger();
    };
  }

  /** Resolves once the socket is open, or after `ms` (whichever is first); never rejects. */
  whenOpen(ms: number): Promise<boolean> {
    if (this.#open) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(this.#open);
      }, ms);
      const off = this.onConnection((open) => {
        if (!open) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  /** Calls `handler` with messages that carry no prompt id (`status` broadcasts). */
  onBroadcast(handler: Handler): () => void {
    this.#broadcast.add(handler);
    return () => this.#broadcast.delete(handler);
  }

  /** Calls `listener(true)` when the socket opens and `listener(false)` when it drops. */
  onConnection(listener: (open: boolean) => void): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  /** Closes the socket for good and clears every timer. */
  close(): void {
    this.#closed = true;
    this.#teardown();
  }

  #ensureOpen(): void {
    if (this.#closed) return;
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    if (this.#ws || this.#reconnectTimer) return;
    this.#connect();
  }

  #connect(): void {
    this.#reconnectTimer = undefined;
    if (this.#closed || !this.#wanted()) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#options.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    ws.onopen = () => {
      this.#open = true;
      this.#backoffMs = this.#options.minBackoffMs;
      this.#keepAliveTimer = setInterval(() => {
        try {
          ws.send(JSON.stringify({ type: "keepalive", data: {} }));
        } catch { /* closing: onclose reconnects */ }
      }, this.#options.keepAliveMs);
      this.#emitConnection(true);
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let message: ComfyMessage;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!message || typeof message.type !== "string" || typeof message.data !== "object" || !message.data) return;
      this.#dispatch(message);
    };
    ws.onerror = () => {/* onclose follows */};
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      const wasOpen = this.#open;
      this.#ws = undefined;
      this.#open = false;
      clearInterval(this.#keepAliveTimer);
      this.#keepAliveTimer = undefined;
      if (wasOpen) this.#emitConnection(false);
      this.#scheduleReconnect();
    };
  }

  #dispatch(message: ComfyMessage): void {
    const promptId = message.data.prompt_id;
    if (typeof promptId !== "string") {
      for (const handler of [...this.#broadcast]) safely(handler, message);
      return;
    }
    this.#recent.push(message);
    if (this.#recent.length > RECENT_LIMIT) this.#recent.splice(0, this.#recent.length - RECENT_LIMIT);
    for (const handler of [...(this.#byPrompt.get(promptId) ?? [])]) safely(handler, message);
  }

  #scheduleReconnect(): void {
    if (this.#closed || !this.#wanted() || this.#reconnectTimer) return;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#options.maxBackoffMs, this.#backoffMs * 2);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #wanted(): boolean {
    return this.#byPrompt.size > 0 || this.#lingerTimer !== undefined;
  }

  #maybeLinger(): void {
    if (this.#byPrompt.size > 0 || this.#closed) return;
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = undefined;
      if (this.#byPrompt.size === 0) this.#teardown();
    }, this.#options.lingerMs);
  }

  #teardown(): void {
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#lingerTimer);
    clearInterval(this.#keepAliveTimer);
    this.#reconnectTimer = this.#lingerTimer = this.#keepAliveTimer = undefined;
    const ws = this.#ws;
    this.#ws = undefined;
    if (this.#open) {
      this.#open = false;
      this.#emitConnection(false);
    }
    if (ws) {
      ws.onclose =
        ws.onmessage =
        ws.onopen =
        ws.onerror =
          null;
      try {
        ws.close();
      } catch { /* already closed */ }
    }
    this.#recent.length = 0;
  }

  #emitConnection(open: boolean): void {
    for (const listener of [...this.#connectionListeners]) {
      try {
        listener(open);
      } catch { /* a listener's failure is not the socket's */ }
    }
  }
}

function safely(handler: Handler, message: ComfyMessage): void {
  try {
    handler(message);
  } catch { /* a subscriber's failure must not stop the others */ }
}
