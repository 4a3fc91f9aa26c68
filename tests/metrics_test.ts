/**
 * GET /metrics (routes/metrics.ts, core/system/metrics.ts), in process with app.request(): off
 * unless METRICS=1; the exposition format; jobs by queue and state, part durations from takes, SSE
 * clients and the event backlog of the hub; METRICS_TOKEN and the app's other guards.
 */
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { EventHub } from "../core/live/hub.ts";
import { freshDatabase } from "./helpers/db.ts";
import { emit, makeProject } from "./helpers/live.ts";
import { startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";

const TOKEN = "metrics-token-0123456789";
const STUDIO_TOKEN = "studio-token-0123456789";

/** Samples of an exposition text by `name{labels}`, checking every line's syntax on the way. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const declared = new Set<string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) ([a-z_]+) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === "TYPE") {
        assert.match(meta[3], /^(gauge|counter)$/);
        declared.add(meta[2]);
      }
      continue;
    }
    const sample = /^([a-z_]+)(\{[a-z_]+="[^"]*"(?:,[a-z_]+="[^"]*")*\})? (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(line);
    assert.ok(sample, `not an exposition line: ${line}`);
    assert.ok(declared.has(sample[1]), `${sample[1]} has no TYPE line`);
    samples.set(sample[1] + (sample[2] ?? ""), Number(sample[3]));
  }
  return samples;
}

Deno.test("/metrics: 404 JSON unless METRICS=1", async () => {
  const db = await freshDatabase("metrics_off");
  const dataDir = await Deno.makeTempDir();
  try {
    const app = createApp({ sql: db.sql, config: loadConfig({ STUDIO_DATA_DIR: dataDir }) });
    const res = await app.request("/metrics");
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /set METRICS=1/);
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await db.drop();
  }
});

Deno.test("/metrics: jobs by queue and state, part durations, SSE clients and the event backlog", async () => {
  const db = await freshDatabase("metrics");
  const config = await testConfig(db, { METRICS: "1" });
  const hub = new EventHub({ sql: db.sql, url: db.url });
  const app = createApp({ sql: db.sql, config, hub });
  const scrape = async () => {
    const res = await app.request("/metrics");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return parse(await res.text());
  };
  try {
    // Part durations come from the takes of finished work.
    const done = await makeProject(db.sql, 2, "Done");
    const worker = await startTestWorker(db, config);
    try {
      const started = await app.request(`/api/v1/projects/${done.id}/generate-scenes`, { method: "POST" });
      assert.equal(started.status, 202);
      assert.equal(await waitForRunEnd(db.sql, done.id), "completed");
    } finally {
      await worker.stop();
    }
    // Queued work with no worker to take it.
    const waiting = await makeProject(db.sql, 3, "Waiting");
    assert.equal((await app.request(`/api/v1/projects/${waiting.id}/generate-scenes`, { method: "POST" })).status, 202);

    // The hub has not started: every event of the two runs is behind it.
    const [{ events }] = await db.sql<{ events: number }[]>`select count(*)::int as events from events`;
    let m = await scrape();
    assert.equal(m.get(`studio_jobs{queue="images",state="waiting"}`), 3);
    assert.equal(m.get(`studio_jobs{queue="images",state="running"}`), 0);
    assert.equal(m.get(`studio_jobs{queue="exports",state="waiting"}`), 0);
    assert.equal(m.get(`studio_part_duration_samples{part="image",provider="simulated"}`), 2);
    assert.equal(m.get(`studio_part_duration_samples{part="video",provider="simulated"}`), 2);
    for (const q of ["0.5", "0.9", "0.99"]) {
      const seconds = m.get(`studio_part_duration_seconds{part="video",provider="simulated",quantile="${q}"}`);
      assert.ok(seconds !== undefined && seconds >= 0, `quantile ${q}`);
    }
    assert.equal(m.get("studio_event_backlog"), events);
    assert.ok(m.get("studio_event_lag_seconds")! >= 0);
    assert.equal(m.get("studio_sse_clients"), 0);

    // Started, the hub delivers everything; one SSE client connects.
    await hub.start();
    const last = await emit(db.sql, waiting.id);
    await waitFor("the hub to deliver", () => hub.stats().horizon >= last);
    const stream = await app.request(`/api/v1/projects/${waiting.id}/events`);
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    await reader.read();
    m = await scrape();
    assert.equal(m.get("studio_sse_clients"), 1);
    assert.equal(m.get("studio_event_backlog"), 0);
    assert.equal(m.get("studio_event_lag_seconds"), 0);
    await reader.cancel();
    await waitFor("the stream to close", () => hub.stats().subscribers === 0);
    assert.equal((await scrape()).get("studio_sse_clients"), 0);
  } finally {
    await hub.stop();
    await Deno.remove(config.dataDir, { recursive: true }).catch(() => {});
    await db.drop();
  }
});

Deno.test("/metrics with METRICS_TOKEN: 401 JSON without or with a wrong token, 429 after many; no other route opens", async () => {
  const db = await freshDatabase("metrics_token");
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({
      STUDIO_DATA_DIR: dataDir,
      METRICS: "1",
      METRICS_TOKEN: TOKEN,
      STUDIO_TOKEN,
    });
    const app = createApp({ sql: db.sql, config });
    const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

    const none = await get("/metrics");
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="Scene Studio metrics"');
    assert.match((await none.json()).error, /^Metrics need the metrics token/);
    // The access token is not the metrics token.
    const studio = await get("/metrics", { authorization: `Bearer ${STUDIO_TOKEN}` });
    assert.equal(studio.status, 401);
    assert.match((await studio.json()).error, /^The metrics token is wrong/);
    for (const bad of ["Bearer ", "Basic abc", `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, "Bearer \u00e9\u00e9"]) {
      const res = await get("/metrics", { authorization: bad });
      assert.equal(res.status, 401, bad);
      assert.equal(typeof (await res.json()).error, "string");
    }
    const ok = await get("/metrics", { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    assert.ok(parse(await ok.text()).has(`studio_jobs{queue="videos",state="waiting"}`));
    // The metrics token opens nothing else.
    const api = await get("/api/v1/projects", { authorization: `Bearer ${TOKEN}` });
    assert.equal(api.status, 401);
    await api.body?.cancel();
    // Other guards still apply: a foreign Host is refused before the token is looked at.
    const foreign = await app.request("http://evil.example/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.ok(foreign.status >= 400 && foreign.status < 500, String(foreign.status));
    await foreign.body?.cancel();
    // Guessing is limited like the access token (10 wrong tries per address and window).
    let locked: Response | undefined;
    for (let i = 0; i < 12 && !locked; i++) {
      const res = await get("/metrics", { authorization: `Bearer wrong-guess-${i}-0123456789` });
      if (res.status === 429) locked = res;
      else await res.body?.cancel();
    }
    assert.ok(locked, "wrong tokens are limited");
    assert.ok(Number(locked.headers.get("retry-after")) > 0);
    assert.equal((await get("/metrics", { authorization: `Bearer ${TOKEN}` })).status, 429);
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    await db.drop();
  }
});
