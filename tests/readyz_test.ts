import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import type { ServiceStatus } from "../core/system/supervisor.ts";
import { testApp } from "./helpers/app.ts";
import { startFakeComfyUI } from "./fakes/comfyui_server.ts";

const RUNNING: ServiceStatus = { state: "running", restarts: 0, lastError: null, since: new Date().toISOString() };

async function readyz(app: ReturnType<typeof createApp>) {
  const res = await app.request("/readyz");
  return { status: res.status, body: await res.json() };
}

Deno.test("/readyz: 200 in a bare app: database reachable, migrations current, no worker required, draft-like providers reachable", async () => {
  const t = await testApp("readyz");
  try {
    const { status, body } = await t.json("GET", "/readyz");
    assert.equal(status, 200);
    assert.equal(body.ready, true);
    assert.equal(body.database.reachable, true);
    assert.equal(typeof body.database.latencyMs, "number");
    assert.equal(body.migrations.current, true);
    assert.equal(body.migrations.applied, body.migrations.files);
    assert.ok(body.migrations.files >= 7);
    assert.deepEqual(body.migrations.missing, []);
    assert.deepEqual(body.worker, { state: "absent" });
    // A web-only process reports workers without depending on them.
    assert.deepEqual(body.workerHeartbeat, {
      required: false,
      fresh: false,
      workers: 0,
      newestAgeMs: null,
      error: null,
    });
    assert.deepEqual(body.embeddedPostgres, { state: "external" });
    assert.deepEqual(body.providers, {
      required: false,
      image: { provider: "simulated", reachable: true, servers: [] },
      video: { provider: "simulated", reachable: true, servers: [] },
    });
  } finally {
    await t.close();
  }
});

Deno.test("/readyz: a missing migration is 503 naming it", async () => {
  const t = await testApp("readyz_migr");
  try {
    await t.db.sql`delete from schema_migrations where name = '010_admin.sql'`;
    const { status, body } = await t.json("GET", "/readyz");
    assert.equal(status, 503);
    assert.equal(body.ready, false);
    assert.equal(body.migrations.current, false);
    assert.deepEqual(body.migrations.missing, ["010_admin.sql"]);
    assert.equal(body.migrations.applied, body.migrations.files - 1);
  } finally {
    await t.close();
  }
});

Deno.test("/readyz in a process with a worker: 503 until a heartbeat is fresh, then 200", async () => {
  const t = await testApp("readyz_worker");
  try {
    const config = loadConfig({ STUDIO_DATA_DIR: t.dataDir, IMAGE_PROVIDER: "draft", VIDEO_PROVIDER: "draft" });
    const app = createApp({ sql: t.db.sql, config, readiness: { worker: () => RUNNING } });
    const none = await readyz(app);
    assert.equal(none.status, 503);
    assert.deepEqual(none.body.workerHeartbeat, {
      required: true,
      fresh: false,
      workers: 0,
      newestAgeMs: null,
      error: null,
    });
    // A heartbeat older than WORKER_DEAD_AFTER_MS (45 s) is not fresh.
    await t.db.sql`
      insert into worker_heartbeats (pool_id, host, pid, last_seen_at) values ('old', 'h', 1, now() - interval '60 seconds')`;
    const stale = await readyz(app);
    assert.equal(stale.status, 503);
    assert.equal(stale.body.workerHeartbeat.fresh, false);
    assert.ok(stale.body.workerHeartbeat.newestAgeMs >= 60_000);
    await t.db.sql`insert into worker_heartbeats (pool_id, host, pid) values ('live', 'h', 2)`;
    const live = await readyz(app);
    assert.equal(live.status, 200, JSON.stringify(live.body));
    assert.equal(live.body.workerHeartbeat.fresh, true);
    assert.equal(live.body.workerHeartbeat.workers, 1);
    assert.ok(live.body.workerHeartbeat.newestAgeMs < 45_000);
    assert.equal(live.body.providers.image.provider, "draft");
    assert.equal(live.body.providers.image.reachable, true);
  } finally {
    await t.close();
  }
});

Deno.test("/readyz with ComfyUI: its /system_stats is asked; a server that is down is 503 where a worker runs", async () => {
  const t = await testApp("readyz_comfy");
  const fake = await startFakeComfyUI();
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedPort = (l.addr as Deno.NetAddr).port;
  l.close();
  try {
    await t.db.sql`insert into worker_heartbeats (pool_id, host, pid) values ('live', 'h', 2)`;
    const env = { STUDIO_DATA_DIR: t.dataDir, IMAGE_PROVIDER: "comfyui", VIDEO_PROVIDER: "comfyui" };
    const up = createApp({
      sql: t.db.sql,
      config: loadConfig({ ...env, COMFYUI_URL: fake.url }),
      readiness: { worker: () => RUNNING },
    });
    const asked = fake.requests.length;
    const ok = await readyz(up);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.providers.image, {
      provider: "comfyui",
      reachable: true,
      servers: [{ url: fake.url, reachable: true, error: null }],
    });
    assert.ok(fake.requests.slice(asked).some((r) => r.method === "GET" && r.path === "/system_stats"));

    fake.failRequests("/system_stats", 500, 2);
    const failing = await readyz(up);
    assert.equal(failing.status, 503);
    assert.equal(failing.body.providers.image.servers[0].error, "GET /system_stats answered 500.");

    const downConfig = loadConfig({
      ...env,
      COMFYUI_IMAGE_URL: fake.url,
      COMFYUI_VIDEO_URL: `http://127.0.0.1:${closedPort}`,
    });
    const down = await readyz(createApp({ sql: t.db.sql, config: downConfig, readiness: { worker: () => RUNNING } }));
    assert.equal(down.status, 503);
    assert.equal(down.body.providers.image.reachable, true);
    assert.equal(down.body.providers.video.reachable, false);
    assert.match(down.body.providers.video.servers[0].error, /^GET \/system_stats failed: /);
    // A web-only process reports it but stays ready: its pages and API still work.
    const webOnly = await readyz(createApp({ sql: t.db.sql, config: downConfig }));
    assert.equal(webOnly.status, 200);
    assert.equal(webOnly.body.providers.required, false);
    assert.equal(webOnly.body.providers.video.reachable, false);

    // Several servers (COMFYUI_URLS): each is asked; one down makes the part unreachable.
    const several = await readyz(createApp({
      sql: t.db.sql,
      config: loadConfig({ ...env, COMFYUI_URLS: `${fake.url},http://127.0.0.1:${closedPort}` }),
      readiness: { worker: () => RUNNING },
    }));
    assert.equal(several.status, 503);
    assert.deepEqual(several.body.providers.image.servers.map((s: { reachable: boolean }) => s.reachable), [
      true,
      false,
    ]);
  } finally {
    await fake.close();
    await t.close();
  }
});
