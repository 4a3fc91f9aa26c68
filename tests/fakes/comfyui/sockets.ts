/**
 * The fake ComfyUI's WebSockets (server.py `websocket_handler`, FACTS.md §2.1): one socket per
 * `clientId` (a newer one with the same id takes over the map entry), a `status` message with the
 * `sid` on connect, and an `executing {node}` without prompt id when the client's prompt is running.
 * Client text frames are recorded and ignored, except `feature_flags`, which is answered. Scripting:
 * drop every socket and refuse new ones for a while, or stay connected but silent (muted).
 */
import type { Hub } from "./executor.ts";

/** What a newly connected client is told. */
export interface ConnectInfo {
  queueRemaining: number;
  /** The node the client's own running prompt is at, if it has one running. */
  runningNode?: string;
}

/** Every WebSocket of the fake, as the executor's {@link Hub}. */
export class SocketHub implements Hub {
  /** Text frames clients sent (keep-alives, feature flags), oldest first. */
  readonly clientFrames: string[] = [];
  muted = false;
  readonly #sockets = new Map<string, WebSocket>();
  #refuseUntil = 0;

  constructor(private readonly onConnect: (clientId: string) => ConnectInfo) {}

  /** Open sockets. */
  get count(): number {
    return this.#sockets.size;
  }

  toClient(clientId: string | undefined, type: string, data: Record<string, unknown>): void {
    if (clientId) this.#send(this.#sockets.get(clientId), JSON.stringify({ type, data }));
  }

  broadcast(type: string, data: Record<string, unknown>): void {
    const text = JSON.stringify({ type, data });
    for (const ws of this.#sockets.values()) this.#send(ws, text);
  }

  binary(clientId: string | undefined, bytes: Uint8Array): void {
    if (clientId) this.#send(this.#sockets.get(clientId), bytes);
  }

  /** `GET /ws?clientId=…`: upgrades, or 503 while refusing. */
  upgrade(request: Request, url: URL): Response {
    if (performance.now() < this.#refuseUntil || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Service Unavailable", { status: 503 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const sid = url.searchParams.get("clientId") || crypto.randomUUID().replaceAll("-", "");
    socket.onopen = () => {
      this.#sockets.set(sid, socket);
      const info = this.onConnect(sid);
      const status = { status: { exec_info: { queue_remaining: info.queueRemaining } }, sid };
      this.#send(socket, JSON.stringify({ type: "status", data: status }));
      if (info.runningNode) this.#send(socket, JSON.stringify({ type: "executing", data: { node: info.runningNode } }));
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      this.clientFrames.push(event.data);
      try {
        if (JSON.parse(event.data)?.type !== "feature_flags") return;
        const flags = { supports_preview_metadata: true, max_upload_size: 100 * 1024 * 1024 };
        this.#send(socket, JSON.stringify({ type: "feature_flags", data: flags }));
      } catch { /* ComfyUI logs a warning and goes on */ }
    };
    socket.onclose = () => {
      if (this.#sockets.get(sid) === socket) this.#sockets.delete(sid);
    };
    socket.onerror = () => {};
    return response;
  }

  /** Closes every socket from the server side; refuses new ones for `refuseMs`. */
  drop(refuseMs = 0): void {
    this.#refuseUntil = performance.now() + refuseMs;
    for (const ws of [...this.#sockets.values()]) {
      try {
        ws.close();
      } catch { /* already closed */ }
    }
    this.#sockets.clear();
  }

  #send(ws: WebSocket | undefined, payload: string | Uint8Array): void {
    if (!ws || this.muted || ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(payload);
    } catch { /* closing */ }
  }
}
