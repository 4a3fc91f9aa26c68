/**
 * A TCP proxy in front of Postgres that a test can cut: `cut()` drops every proxied connection and
 * refuses new ones (as a restarting or unreachable server would) until `restore()`.
 */

export interface TcpProxy {
  port: number;
  /** The given connection string, pointed at the proxy. */
  urlFor(url: string): string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let cutOff = false;

  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    try {
      await from.readable.pipeTo(to.writable, { preventClose: false });
    } catch {
      // one side went away
    } finally {
      for (const c of [from, to]) {
        open.delete(c);
        try {
          c.close();
        } catch { /* closed already */ }
      }
    }
  };

  const accepting = (async () => {
    for await (const client of listener) {
      if (cutOff) {
        client.close();
        continue;
      }
      let server: Deno.Conn;
      try {
        server = await Deno.connect({ hostname: targetHost, port: targetPort });
      } catch {
        client.close();
        continue;
      }
      open.add(client);
      open.add(server);
      pipe(client, server);
      pipe(server, client);
    }
  })().catch(() => {});

  return {
    port: (listener.addr as Deno.NetAddr).port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String((listener.addr as Deno.NetAddr).port);
      return u.toString();
    },
    cut() {
      cutOff = true;
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed already */ }
      }
      open.clear();
    },
    restore() {
      cutOff = false;
    },
    async close() {
      this.cut();
      listener.close();
      await accepting;
    },
  };
}
