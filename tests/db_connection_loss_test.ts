/**
 * postgres.js when the server drops a connection (see vendor/README.md): each case ended the process
 * with an uncatchable TypeError, hung, or left the pool short before the patch. After each case the
 * pool must still answer on all of its connections at once.
 */
import assert from "node:assert/strict";
import net from "node:net";
import postgres from "postgres";
import { connect, type Sql } from "../core/db/client.ts";
import { freshDatabase } from "./helpers/db.ts";

const db = await freshDatabase("db_conn_loss");
const admin = connect(db.url, { max: 1 });
Deno.test.afterAll(async () => {
  await admin.end();
  await db.drop();
});

const POOL = 4;

async function terminate(pid: number) {
  const [row] = await admin<{ ok: boolean }[]>`select pg_terminate_backend(${pid}) as ok`;
  assert.equal(row.ok, true, `backend ${pid} terminated`);
}

/** Every connection of the pool answers at once (none was lost to a closed socket). */
async function assertPoolWorks(sql: Sql) {
  const rows = await Promise.all(
    Array.from({ length: POOL }, () => sql<{ pid: number }[]>`select pg_backend_pid() as pid, pg_sleep(0.05)`),
  );
  assert.equal(new Set(rows.map(([r]) => r.pid)).size, POOL, "all pool connections answered");
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

Deno.test("a transaction whose backend is terminated mid-query rejects with CONNECTION_CLOSED; the pool goes on", async () => {
  const sql = connect(db.url, { max: POOL });
  try {
    for (let i = 0; i < 3; i++) {
      const error = await sql.begin(async (tx) => {
        const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
        setTimeout(() => terminate(pid), 50);
        await tx`select pg_sleep(2)`;
      }).then(() => null, (e) => e);
      assert.equal(codeOf(error), "CONNECTION_CLOSED", String(error));
      // The ROLLBACK postgres.js sends after the failure is written in a later tick: let it run.
      await new Promise((r) => setTimeout(r, 50));
    }
    await assertPoolWorks(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

Deno.test("queries a transaction sends after its connection closed are rejected, not written to another socket", async () => {
  const sql = connect(db.url, { max: POOL });
  try {
    const late: unknown[] = [];
    let body: Promise<void> | undefined;
    // begin() rejects as soon as the connection closes; the callback goes on, so wait for it too.
    const outcome = await sql.begin((tx) =>
      body = (async () => {
        const [{ pid }] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
        await tx`create temporary table marker (n int)`;
        await terminate(pid);
        await tx`select 1`.catch(() => {});
        for (let i = 0; i < 3; i++) late.push(await tx`insert into marker values (${i})`.then(() => null, (e) => e));
      })()
    ).then(() => null, (e) => e);
    await body;
    assert.equal(codeOf(outcome), "CONNECTION_CLOSED");
    assert.deepEqual(late.map(codeOf), ["CONNECTION_CLOSED", "CONNECTION_CLOSED", "CONNECTION_CLOSED"]);
    await assertPoolWorks(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

Deno.test("a reserved connection whose backend is terminated rejects every later query (porsager/postgres#1208)", async () => {
  const sql = connect(db.url, { max: POOL });
  try {
    const reserved = await sql.reserve();
    const [{ pid }] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
    await terminate(pid);
    const first = await reserved`select 1`.then(() => null, (e) => e);
    const second = await reserved`select 1`.then(() => null, (e) => e);
    assert.match(codeOf(first) ?? String(first), /^(ECONNRESET|CONNECTION_CLOSED)$/);
    assert.equal(codeOf(second), "CONNECTION_CLOSED", String(second));
    reserved.release();
    await assertPoolWorks(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

Deno.test("a socket closed while a write is batched: the next query reconnects at once instead of hanging", async () => {
  const { hostname, port } = new URL(db.url);
  const sockets: net.Socket[] = [];
  // postgres.js's `socket` option (a factory of connected sockets) is missing from its types (porsager/postgres#968).
  const options = {
    max: 1,
    connect_timeout: 10,
    onnotice: () => {},
    socket: () =>
      new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect({ host: hostname, port: Number(port || 5432) });
        socket.once("connect", () => resolve(socket)).once("error", reject);
        sockets.push(socket);
      }),
  };
  const sql = postgres(db.url, options);
  try {
    await sql`select 1`;
    // The query's bytes wait for setImmediate. A close event can be delivered before that
    // immediate runs (both come from the event loop, in either order); make it so here.
    const pending = sql`select 1`.execute();
    // execute() hands the query to the connection a few microtasks later (postgres.js sets `state` then).
    for (let i = 0; i < 10 && !(pending as unknown as { state?: unknown }).state; i++) await null;
    assert.ok((pending as unknown as { state?: unknown }).state, "the query was written (batched)");
    const socket = sockets.at(-1)!;
    socket.destroy();
    socket.emit("close", false);
    assert.equal(codeOf(await pending.then(() => null, (e) => e)), "CONNECTION_CLOSED");
    const started = performance.now();
    const [row] = await sql<{ n: number }[]>`select 2 as n`;
    assert.equal(row.n, 2);
    const ms = performance.now() - started;
    assert.ok(ms < 2000, `the next query took ${Math.round(ms)} ms (a stale batched write hangs it until the timeout)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

Deno.test("end() without a timeout returns after a connection was lost mid-query", async () => {
  const sql = connect(db.url, { max: 1 });
  const [{ pid }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  setTimeout(() => terminate(pid), 50);
  assert.equal(codeOf(await sql`select pg_sleep(2)`.then(() => null, (e) => e)), "CONNECTION_CLOSED");
  const ended = await Promise.race([sql.end().then(() => "ended"), new Promise((r) => setTimeout(r, 3000, "hung"))]);
  assert.equal(ended, "ended");
});
