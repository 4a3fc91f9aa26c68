/**
 * Limits, over real HTTP as main.ts serves (connection guard in front of Deno.serve): header,
 * body and idle timeouts; caps on connections and on live-update streams per client and in
 * total, each with a sentence; generate / cancel / retry rate-limited per project, the refused
 * request changing nothing.
 */
import assert from "node:assert/strict";
import { databaseFingerprint } from "../helpers/db_fingerprint.ts";
import { makeProject } from "../helpers/live.ts";
import { exchange } from "../helpers/raw_http.ts";
import { securityStudio } from "./studio.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

Deno.test({
  name: "header, body and idle timeouts close slow connections with 408",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const studio = await securityStudio("timeouts", {
      HEADERS_TIMEOUT_MS: "1000",
      BODY_TIMEOUT_MS: "1000",
      IDLE_TIMEOUT_MS: "1500",
    });
    try {
      const { base } = studio.serve();
      const before = await databaseFingerprint(studio.db.sql);
      const [headers, body, idle] = await Promise.all([
        exchange(
          Number(new URL(base).port),
          "POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n",
        ),
        exchange(
          Number(new URL(base).port),
          'POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title":',
        ),
        (async () => {
          const { hostname, port } = new URL(base);
          const conn = await Deno.connect({ hostname, port: Number(port) });
          await conn.write(encoder.encode("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
          const buffer = new Uint8Array(4096);
          const first = decoder.decode(buffer.subarray(0, (await conn.read(buffer))!));
          const started = performance.now();
          const after = await conn.read(buffer).catch(() => null);
          conn.close();
          return { first, closed: after === null, ms: performance.now() - started };
        })(),
      ]);
      assert.match(headers.text, /^HTTP\/1.1 408 Request Timeout/);
      assert.ok(headers.ms > 900 && headers.ms < 5000, `headers: closed after ${headers.ms} ms`);
      assert.match(body.text, /^HTTP\/1.1 408 /);
      assert.match(body.text, /The request body did not arrive within 1 seconds/);
      assert.ok(body.ms > 900 && body.ms < 5000, `body: answered after ${body.ms} ms`);
      assert.match(idle.first, /^HTTP\/1.1 200 /);
      assert.ok(idle.closed && idle.ms > 1300 && idle.ms < 5000, `idle: closed after ${idle.ms} ms`);
      assert.deepEqual(await databaseFingerprint(studio.db.sql), before);
    } finally {
      await studio.close();
    }
  },
});

Deno.test({
  name: "connections and live-update streams are capped per client and in total, with a clear error",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const studio = await securityStudio("caps", {
      SSE_MAX_STREAMS_PER_CLIENT: "3",
      SSE_MAX_STREAMS: "4",
      MAX_CONNECTIONS_PER_CLIENT: "8",
    });
    const streams: Response[] = [];
    try {
      const { base, guard } = studio.serve();
      const project = await makeProject(studio.db.sql, 1);
      const url = `${base}/api/v1/projects/${project.id}/events`;
      for (let i = 0; i < 3; i++) streams.push(await fetch(url));
      assert.deepEqual(streams.map((r) => r.status), [200, 200, 200]);
      const fourth = await fetch(url);
      assert.equal(fourth.status, 429);
      assert.equal(
        (await fourth.json()).error,
        "Too many live-update streams are open from your address (3): close some Scene Studio tabs and reload.",
      );
      // Another client (in process, as Deno.serve would report it) takes the last place; then the server is full.
      const other = await studio.request(`/api/v1/projects/${project.id}/events`, {}, "10.1.1.1");
      assert.equal(other.status, 200);
      streams.push(other);
      const full = await studio.request(`/api/v1/projects/${project.id}/events`, {}, "10.1.1.2");
      assert.equal(full.status, 503);
      assert.match(
        (await full.json()).error,
        /as many live-update streams open as it allows \(4\); try again in a minute/,
      );
      // Closing a stream frees its place.
      await streams.shift()!.body!.cancel();
      await new Promise((r) => setTimeout(r, 100));
      const again = await fetch(url);
      assert.equal(again.status, 200);
      streams.push(again);

      // Connections: the ninth from one address gets 503.
      const held: Deno.Conn[] = [];
      for (let i = guard.connections(); i < 8; i++) {
        held.push(await Deno.connect({ hostname: "127.0.0.1", port: guard.addr.port }));
      }
      await new Promise((r) => setTimeout(r, 100));
      const refused = await exchange(
        Number(new URL(base).port),
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
        3000,
      );
      assert.match(refused.text, /^HTTP\/1.1 503 /);
      assert.match(refused.text, /Too many connections from your address: try again in a moment\./);
      for (const c of held) c.close();
    } finally {
      for (const s of streams) await s.body?.cancel().catch(() => {});
      await studio.close();
    }
  },
});

Deno.test({
  name: "generate, cancel and retry are rate-limited per project; the refused click writes nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const studio = await securityStudio("run_limit", { RUN_ACTIONS_PER_MINUTE: "6" });
    try {
      const project = await makeProject(studio.db.sql, 3);
      const other = await makeProject(studio.db.sql, 3);
      const post = (id: number, action: string) =>
        studio.request(`/api/v1/projects/${id}/${action}`, { method: "POST" });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        for (const action of ["generate-scenes", "cancel-scenes"]) {
          const res = await post(project.id, action);
          statuses.push(res.status);
          await res.body?.cancel();
        }
      }
      assert.ok(statuses.every((s) => s < 400), `the first 6 clicks pass: ${statuses}`);
      const before = await databaseFingerprint(studio.db.sql);
      for (const action of ["generate-scenes", "cancel-scenes", "retry-failed-scenes"]) {
        const res = await post(project.id, action);
        assert.equal(res.status, 429, action);
        // Seconds until the oldest counted click leaves the minute: 10 right after, less on a slow machine.
        const retryAfter = Number(res.headers.get("retry-after"));
        assert.ok(retryAfter >= 1 && retryAfter <= 10, `Retry-After: ${res.headers.get("retry-after")}`);
        assert.match(
          (await res.json()).error,
          new RegExp(`^Too many generate, cancel or retry requests for project ${project.id}: at most 6 a minute\\.`),
        );
      }
      assert.deepEqual(await databaseFingerprint(studio.db.sql), before, "refused clicks wrote nothing");
      const elsewhere = await post(other.id, "generate-scenes");
      assert.equal(elsewhere.status, 202, "other projects are not affected");
      await elsewhere.body?.cancel();
    } finally {
      await studio.close();
    }
  },
});
