/**
 * A TCP guard in front of Deno.serve, which has no timeouts of its own (Deno 2.9: a connection
 * that sends half a request line, or nothing, or stays idle after a response, is kept open
 * forever; measured). The guard accepts the connections on the public address and pipes each to
 * the app's server on a loopback port, enforcing:
 *
 * - a header timeout: a request's headers (up to the blank line) must arrive within
 *   `headersTimeoutMs` of its first byte (of the connection, for the first request), so
 *   slowloris clients are cut off;
 * - an idle timeout: a connection silent in both directions for `idleTimeoutMs` is closed (live
 *   streams send a ping every 10 s, so they never look idle);
 * - connection caps: `maxConnections` in total and `maxConnectionsPerClient` per client address;
 *   beyond them a connection gets `503` with a sentence and is closed.
 *
 * It does not parse HTTP beyond finding the end of the headers: after a response has started,
 * the client's next bytes start the next request. The body timeout is the app's
 * (routes/middleware/body_timeout.ts). Since the app sees the guard's loopback connections,
 * {@link ConnectionGuard.clientOf} maps them back to the real client address.
 */

/** Options of {@link startConnectionGuard}. */
export interface GuardOptions {
  /** The public address and port to listen on (HOST, PORT). */
  hostname: string;
  port: number;
  /** The app server's loopback port. */
  upstreamPort: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
}

/** A running guard. */
export interface ConnectionGuard {
  /** The address it really listens on (the port chosen when PORT=0). */
  addr: Deno.NetAddr;
  /** The client behind one of the guard's connections to the app (by its local port). */
  clientOf(upstreamSide: Deno.NetAddr): Deno.NetAddr | undefined;
  /** Open client connections now. */
  connections(): number;
  /** Stops accepting; open connections stay until they end (or `closeAll`). */
  stopAccepting(): void;
  /** Closes every open connection. */
  closeAll(): void;
}

const CRLFCRLF = [13, 10, 13, 10];
const TIMEOUT_TEXT = "The request headers did not arrive in time: send the request again.\n";
const REQUEST_TIMEOUT = new TextEncoder().encode(
  `HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${TIMEOUT_TEXT.length}\r\n` +
    `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${TIMEOUT_TEXT}`,
);
/**
 * Read buffer of each direction of each connection. Every open connection holds two, so this is
 * a large part of what a live-update client costs: with 64 KB buffers 200 clients cost 228 KB of
 * resident memory each, with 16 KB ones 166 KB (bench/sse_latency.ts); a large download just takes
 * more, smaller reads.
 */
const BUFFER_BYTES = 16 * 1024;

/**
 * Listens on `hostname:port` and forwards to `127.0.0.1:upstreamPort`; see the module doc.
 * Throws Deno.errors.AddrInUse like Deno.serve when the port is taken.
 */
export function startConnectionGuard(options: GuardOptions): ConnectionGuard {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const open = new Set<Deno.Conn>();
  const perClient = new Map<string, number>();
  const byUpstreamPort = new Map<number, Deno.NetAddr>();
  let accepting = true;

  (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        if (!accepting) return; // listener closed
        continue; // a failed accept (e.g. out of file descriptors): keep serving the others
      }
      const client = (conn.remoteAddr as Deno.NetAddr).hostname;
      const fromClient = perClient.get(client) ?? 0;
      if (open.size >= options.maxConnections || fromClient >= options.maxConnectionsPerClient) {
        refuse(conn, open.size >= options.maxConnections ? "the server" : "your address");
        continue;
      }
      open.add(conn);
      perClient.set(client, fromClient + 1);
      serveConnection(conn).finally(() => {
        open.delete(conn);
        const n = (perClient.get(client) ?? 1) - 1;
        if (n > 0) perClient.set(client, n);
        else perClient.delete(client);
      });
    }
  })();

  async function serveConnection(client: Deno.Conn) {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: options.upstreamPort });
    } catch {
      client.close();
      return;
    }
    const upstreamPort = (upstream.localAddr as Deno.NetAddr).port;
    byUpstreamPort.set(upstreamPort, client.remoteAddr as Deno.NetAddr);

    let closed = false;
    const closeBoth = () => {
      if (closed) return;
      closed = true;
      clearTimeout(headerTimer);
      clearTimeout(idleTimer);
      for (const conn of [client, upstream]) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
    };
    let idleTimer = setTimeout(closeBoth, options.idleTimeoutMs);
    const active = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(closeBoth, options.idleTimeoutMs);
    };
    let everResponded = false;
    const headersLate = () => {
      // Before anything was answered on the connection, a 408 cannot interleave with a response.
      if (everResponded) return closeBoth();
      client.write(REQUEST_TIMEOUT).catch(() => {}).finally(closeBoth);
    };
    // The first request's headers are due from the moment the connection opens.
    let headerTimer: ReturnType<typeof setTimeout> | undefined = setTimeout(headersLate, options.headersTimeoutMs);
    let awaitingHeaders = true;
    let matched = 0; // bytes of CRLFCRLF seen so far
    let responded = false; // the server wrote since the last request's headers ended

    const clientToServer = pump(client, upstream, (chunk) => {
      active();
      if (!awaitingHeaders && responded) {
        // A new request on the connection: its headers are due from its first byte.
        awaitingHeaders = true;
        matched = 0;
        headerTimer = setTimeout(headersLate, options.headersTimeoutMs);
      }
      if (!awaitingHeaders) return;
      for (const byte of chunk) {
        matched = byte === CRLFCRLF[matched] ? matched + 1 : byte === 13 ? 1 : 0;
        if (matched === 4) {
          awaitingHeaders = false;
          responded = false;
          clearTimeout(headerTimer);
          break;
        }
      }
    });
    const serverToClient = pump(upstream, client, () => {
      active();
      responded = everResponded = true;
    });
    // When the client has sent everything, pass that on and wait for the response to end.
    await Promise.race([clientToServer.then(() => upstream.closeWrite().catch(() => {})), serverToClient]);
    await serverToClient;
    closeBoth();
    byUpstreamPort.delete(upstreamPort);
  }

  function refuse(conn: Deno.Conn, who: string) {
    const body = `Too many connections from ${who}: try again in a moment.\n`;
    const head =
      `HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nRetry-After: 5\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n`;
    conn.write(new TextEncoder().encode(head + body)).catch(() => {}).finally(() => {
      try {
        conn.close();
      } catch { /* gone */ }
    });
  }

  return {
    addr: listener.addr as Deno.NetAddr,
    clientOf: (upstreamSide) => byUpstreamPort.get(upstreamSide.port),
    connections: () => open.size,
    stopAccepting() {
      if (!accepting) return;
      accepting = false;
      listener.close();
    },
    closeAll() {
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
    },
  };
}

/** Copies `from` to `to` until `from` ends or either side fails, calling `onChunk` per chunk. */
async function pump(from: Deno.Conn, to: Deno.Conn, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  const buffer = new Uint8Array(BUFFER_BYTES);
  try {
    for (;;) {
      const n = await from.read(buffer);
      if (n === null) return;
      const chunk = buffer.subarray(0, n);
      onChunk(chunk);
      let written = 0;
      while (written < n) written += await to.write(chunk.subarray(written));
    }
  } catch {
    // A side went away or was closed by a timeout: the caller closes both.
  }
}
