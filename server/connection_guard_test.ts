import assert from "node:assert/strict";
import { exchange } from "../tests/helpers/raw_http.ts";
import { type ConnectionGuard, startConnectionGuard } from "./connection_guard.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A guarded echo-ish server: answers "ok <client address>" and POST bodies' lengths. */
function start(limits: Partial<{ headersTimeoutMs: number; idleTimeoutMs: number; perClient: number }> = {}) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req, info) => {
    const client = guard.clientOf(info.remoteAddr)?.hostname ?? "unknown";
    if (req.method === "POST") return new Response(`got ${(await req.text()).length} from ${client}`);
    return new Response(`ok ${client}`);
  });
  const guard: ConnectionGuard = startConnectionGuard({
    hostname: "127.0.0.1",
    port: 0,
    upstreamPort: server.addr.port,
    headersTimeoutMs: limits.headersTimeoutMs ?? 300,
    idleTimeoutMs: limits.idleTimeoutMs ?? 600,
    maxConnections: 100,
    maxConnectionsPerClient: limits.perClient ?? 100,
  });
  return {
    guard,
    port: guard.addr.port,
    async stop() {
      guard.stopAccepting();
      guard.closeAll();
      await server.shutdown();
    },
  };
}

Deno.test("requests pass through and the app sees the real client address", async () => {
  const s = start();
  try {
    const res = await fetch(`http://127.0.0.1:${s.port}/`);
    assert.equal(await res.text(), "ok 127.0.0.1");
    const post = await fetch(`http://127.0.0.1:${s.port}/`, { method: "POST", body: "x".repeat(300_000) });
    assert.equal(await post.text(), "got 300000 from 127.0.0.1");
  } finally {
    await s.stop();
  }
});

Deno.test("headers that never finish get 408 and the connection closes at the header timeout", async () => {
  const s = start({ headersTimeoutMs: 300, idleTimeoutMs: 5000 });
  try {
    const partial = await exchange(s.port, "GET / HTTP/1.1\r\nHost: x\r\n");
    assert.match(partial.text, /^HTTP\/1.1 408 /);
    assert.ok(partial.ms >= 250 && partial.ms < 2000, `${partial.ms} ms`);
    const nothing = await exchange(s.port, "");
    assert.ok(nothing.ms < 2000, `a silent connection closed after ${nothing.ms} ms`);
    // Slowloris: a byte at a time keeps the connection busy but not the headers coming.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    const started = performance.now();
    let closed = false;
    for (const ch of "GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") {
      try {
        await conn.write(encoder.encode(ch));
      } catch {
        closed = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const rest = await conn.read(new Uint8Array(4096)).catch(() => null);
    closed ||= rest === null || rest > 0;
    conn.close();
    assert.ok(closed && performance.now() - started < 3000, "the trickling client was cut off");
  } finally {
    await s.stop();
  }
});

Deno.test("an idle keep-alive connection is closed at the idle timeout; a second request still works before", async () => {
  const s = start({ headersTimeoutMs: 5000, idleTimeoutMs: 400 });
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port });
    const buffer = new Uint8Array(4096);
    for (let i = 0; i < 2; i++) {
      await conn.write(encoder.encode("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
      const n = await conn.read(buffer);
      assert.match(decoder.decode(buffer.subarray(0, n!)), /^HTTP\/1.1 200/);
    }
    const started = performance.now();
    const after = await conn.read(buffer).catch(() => null);
    assert.equal(after, null, "closed by the server");
    const waited = performance.now() - started;
    assert.ok(waited > 300 && waited < 2000, `${waited} ms`);
    conn.close();
  } finally {
    await s.stop();
  }
});

Deno.test("connections beyond the per-client cap get 503 with a sentence", async () => {
  const s = start({ perClient: 2, headersTimeoutMs: 5000, idleTimeoutMs: 5000 });
  const held: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 2; i++) held.push(await Deno.connect({ hostname: "127.0.0.1", port: s.port }));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(s.guard.connections(), 2);
    const third = await exchange(s.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert.match(third.text, /^HTTP\/1.1 503 /);
    assert.match(third.text, /Too many connections from your address/);
    held.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const again = await exchange(s.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert.match(again.text, /^HTTP\/1.1 200/);
  } finally {
    for (const c of held) c.close();
    await s.stop();
  }
});
