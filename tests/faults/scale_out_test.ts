/**
 * Scale-out: web-only and worker-only processes (`main.ts --web-only`, `--worker-only`) on one
 * database. First one web and three worker processes, then two web processes; each phase makes a
 * run of images, videos and narration through the web API, and SIGKILLs a process mid-run (a busy
 * worker, then a web process). Checked afterwards:
 *
 * - at most one image, one video and one narration job ran at any moment across every process (from
 *   the start and end times the events record, like worker_kill_test.ts);
 * - every SSE client of every web process saw every event of the project in id order, none twice,
 *   none missing (a client of the killed web process reconnects to the other one with its
 *   Last-Event-ID, as EventSource does);
 * - nothing was lost: every part done exactly once with a valid file, nothing left queued or locked.
 */
import assert from "node:assert/strict";
import type { Sql } from "../../core/db/client.ts";
import { createProject } from "../../core/domain/projects.ts";
import { freshDatabase } from "../helpers/db.ts";
import {
  type AppProcess,
  assertRunClean,
  killApp,
  lastEventId,
  msToProgress,
  observe,
  reportFigures,
  spawnApp,
} from "../helpers/faults.ts";
import { SseClient } from "../helpers/sse.ts";
import { waitFor, waitForRunEnd } from "../helpers/worker.ts";

/** A project of `sections` paragraphs of `perSection` sentences (each paragraph is a narration section). */
async function makeSectionedProject(sql: Sql, sections: number, perSection: number): Promise<number> {
  const script = Array.from(
    { length: sections },
    (_, s) =>
      Array.from({ length: perSection }, (_, i) => `Scene ${s + 1}.${i + 1} shows the lighthouse at night.`).join(" "),
  ).join("\n\n");
  const { id } = await createProject(sql, { title: "Scale-out", script });
  return id;
}

/** One running spell of a job: from its part's `running` event to the part's next other state. */
interface Spell {
  kind: string;
  key: string;
  start: number;
  end: number;
}

/**
 * The running spells of a project's jobs, from the events' server times. A spell opens at a
 * `scene.updated` running event (the part a job claimed; the other sentences a narration job claims
 * with it come as one `scenes.updated` event and belong to the same job) and closes at that part's
 * next state, whether written for it alone or for many parts at once.
 */
async function runningSpells(sql: Sql, projectId: number): Promise<Spell[]> {
  const events = await sql<{ type: string; data: Record<string, unknown>; at: number }[]>`
    select type, data, extract(epoch from created_at) * 1000 as at
    from events where project_id = ${projectId} and type in ('scene.updated', 'scenes.updated') order by id`;
  const open = new Map<string, number>();
  const spells: Spell[] = [];
  const close = (key: string, kind: string, at: number) => {
    if (!open.has(key)) return;
    spells.push({ kind, key, start: open.get(key)!, end: at });
    open.delete(key);
  };
  for (const e of events) {
    const kind = String(e.data.part);
    const at = Number(e.at);
    if (e.type === "scene.updated") {
      const key = `${kind}:${e.data.sentenceId}`;
      if (e.data.status === "running") {
        if (!open.has(key)) open.set(key, at);
      } else close(key, kind, at);
    } else if (e.data.status !== "running") {
      for (const id of e.data.sentenceIds as number[]) close(`${kind}:${id}`, kind, at);
    }
  }
  assert.deepEqual([...open.keys()], [], "parts still running after the run ended");
  return spells;
}

/** Pairs of spells of one kind that overlap in time. */
function overlapsOf(spells: Spell[]): string[] {
  const out: string[] = [];
  for (const [i, a] of spells.entries()) {
    for (const b of spells.slice(i + 1)) {
      if (a.kind === b.kind && a.start < b.end && b.start < a.end) {
        out.push(`${a.key} [${a.start}, ${a.end}] and ${b.key} [${b.start}, ${b.end}]`);
      }
    }
  }
  return out;
}

/**
 * A live-update client as a browser tab holds it: one SSE stream at a time, reconnecting with its
 * Last-Event-ID (to whichever web process is given) when a stream ends.
 */
class Tab {
  readonly streams: SseClient[] = [];
  constructor(readonly name: string, private projectId: number) {}

  async connect(web: AppProcess, lastEventId?: number): Promise<void> {
    const last = this.streams.at(-1)?.parser.lastEventId;
    const resume = last ? Number(last) : lastEventId;
    this.streams.push(
      await SseClient.connect(`http://127.0.0.1:${web.port}/api/v1/projects/${this.projectId}/events`, {
        lastEventId: resume,
      }),
    );
  }

  /** Every event id received, over all its streams, in arrival order. */
  ids(): number[] {
    return this.streams.flatMap((s) => s.ids());
  }

  async close(): Promise<void> {
    await Promise.all(this.streams.map((s) => s.close()));
  }
}

/** Starts a run of images and videos, then narration, through a web process's API. */
async function generateAll(web: AppProcess, projectId: number): Promise<void> {
  for (const action of ["generate-scenes", "generate-audio"]) {
    const response = await fetch(`http://127.0.0.1:${web.port}/api/v1/projects/${projectId}/${action}`, {
      method: "POST",
    });
    const body = await response.text();
    assert.ok(response.status === 202 || response.status === 200, `${action}: ${response.status} ${body}`);
  }
}

/** SIGKILLs a worker process that runs a job right now (its pool holds a lock) once a part just finished. */
async function killBusyWorker(sql: Sql, projectId: number, workers: AppProcess[]): Promise<number> {
  await msToProgress(sql, projectId, await lastEventId(sql, projectId), 30_000);
  const busy = await waitFor("a worker running a job", async () => {
    const rows = await sql<{ pid: number }[]>`
      select h.pid from worker_heartbeats h join graphile_worker.jobs j on j.locked_by = h.pool_id`;
    return workers.findIndex((w) => rows.some((r) => r.pid === w.child.pid)) + 1;
  }, 30_000);
  await killApp(workers[busy - 1], "SIGKILL");
  return busy - 1;
}

/** The project's event ids after `afterId`, up to `upTo`, from the table. */
async function tableIds(sql: Sql, projectId: number, afterId: number, upTo: number): Promise<number[]> {
  const rows = await sql<{ id: string }[]>`
    select id from events where project_id = ${projectId} and id > ${afterId} and id <= ${upTo} order by id`;
  return rows.map((r) => Number(r.id));
}

/** Checks that each tab saw exactly the project's events after `afterId`, in order. */
async function assertTabsSawEverything(sql: Sql, projectId: number, afterId: number, tabs: Tab[]) {
  const last = await lastEventId(sql, projectId);
  for (const tab of tabs) {
    const stream = tab.streams.at(-1)!;
    await stream.until(() => tab.ids().includes(last), 30_000, `${tab.name} to receive event ${last}`);
    // Thumbnails may add events meanwhile: compare up to the last one the tab has.
    const expected = await tableIds(sql, projectId, afterId, Math.max(...tab.ids()));
    assert.deepEqual(tab.ids(), expected, `${tab.name} did not see every event once, in order`);
  }
}

/** The audio parts of a project that are not done, or were done more than once. */
async function narrationProblems(sql: Sql, projectId: number): Promise<string[]> {
  const rows = await sql<{ sentence_id: number; status: string; done: number }[]>`
    select p.sentence_id, p.status, (
      select count(*)::int from events e
      where e.project_id = ${projectId} and e.type = 'scene.updated' and e.data->>'part' = 'audio'
        and (e.data->>'sentenceId')::int = p.sentence_id and e.data->>'status' = 'done') as done
    from part_states p where p.project_id = ${projectId} and p.kind = 'audio'`;
  assert.ok(rows.length > 0, "the project has no narration parts");
  return rows.filter((r) => r.status !== "done" || r.done > 1).map((r) =>
    `audio:${r.sentence_id} is ${r.status}, done ${r.done} times`
  );
}

Deno.test("scale-out: web and worker processes on one database, one job per kind at a time, every event to every client, kills lose nothing", async () => {
  const db = await freshDatabase("fault_scale_out");
  const sql = observe(db.url);
  const dataDir = await Deno.makeTempDir({ prefix: "studio-fault-" });
  const env = {
    DATABASE_URL: db.url,
    STUDIO_DATA_DIR: dataDir,
    SIMULATED_IMAGE_MS: "150",
    SIMULATED_VIDEO_MS: "150",
    SIMULATED_AUDIO_MS: "150",
  };
  const webs: AppProcess[] = [spawnApp(env, ["--web-only"])];
  const workers: AppProcess[] = [0, 1, 2].map(() => spawnApp(env, ["--worker-only"]));
  const tabs: Tab[] = [];
  const figures: Record<string, unknown> = {};
  try {
    await Promise.all([...webs, ...workers].map((p) => p.ready()));

    // Phase 1: one web and three worker processes; a busy worker is SIGKILLed and started again.
    const first = await makeSectionedProject(sql, 4, 3);
    const firstFrom = await lastEventId(sql, first);
    const tab1 = new Tab("phase 1 tab on web 1", first);
    await tab1.connect(webs[0], firstFrom);
    tabs.push(tab1);
    await generateAll(webs[0], first);
    const killed = await killBusyWorker(sql, first, workers);
    workers[killed] = spawnApp(env, ["--worker-only"]);
    await workers[killed].ready();
    assert.equal(await waitForRunEnd(sql, first, 90_000), "completed");
    const firstReport = await assertRunClean(sql, first, dataDir);
    assert.deepEqual(await narrationProblems(sql, first), []);
    await assertTabsSawEverything(sql, first, firstFrom, [tab1]);
    const firstSpells = await runningSpells(sql, first);
    assert.deepEqual(overlapsOf(firstSpells), [], "two jobs of one kind ran at once");
    assert.deepEqual([...new Set(firstSpells.map((s) => s.kind))].sort(), ["audio", "image", "video"]);
    figures.phase1 = { workerKilled: killed, spells: firstSpells.length, events: tab1.ids().length, ...firstReport };

    // Phase 2: a second web process; each has its clients; web 1 is SIGKILLed mid-run and its
    // client reconnects to web 2 with its Last-Event-ID.
    webs.push(spawnApp(env, ["--web-only"]));
    await webs[1].ready();
    const second = await makeSectionedProject(sql, 4, 3);
    const secondFrom = await lastEventId(sql, second);
    const onWeb1 = new Tab("phase 2 tab on web 1", second);
    const onWeb2 = new Tab("phase 2 tab on web 2", second);
    await onWeb1.connect(webs[0], secondFrom);
    await onWeb2.connect(webs[1], secondFrom);
    tabs.push(onWeb1, onWeb2);
    await generateAll(webs[1], second);
    await msToProgress(sql, second, await lastEventId(sql, second), 30_000);
    await killApp(webs[0], "SIGKILL");
    await onWeb1.streams[0].done;
    await onWeb1.connect(webs[1]);
    assert.equal(await waitForRunEnd(sql, second, 90_000), "completed");
    const secondReport = await assertRunClean(sql, second, dataDir);
    assert.deepEqual(await narrationProblems(sql, second), []);
    await assertTabsSawEverything(sql, second, secondFrom, [onWeb1, onWeb2]);
    const secondSpells = await runningSpells(sql, second);
    assert.deepEqual(overlapsOf(secondSpells), [], "two jobs of one kind ran at once");
    // Across both runs too (they did not overlap, but the queues are shared).
    assert.deepEqual(overlapsOf([...firstSpells, ...secondSpells]), []);
    assert.deepEqual([...new Set(secondSpells.map((s) => s.kind))].sort(), ["audio", "image", "video"]);
    // The media folder is shared: phase 1's files would count as this project's orphans.
    const { orphans: _shared, ...secondFigures } = secondReport;
    figures.phase2 = {
      webKilledAfterEvents: onWeb1.streams[0].ids().length,
      spells: secondSpells.length,
      events: onWeb2.ids().length,
      ...secondFigures,
    };
    reportFigures("scale-out: 1–2 web and 3 worker processes", figures);
  } finally {
    await Promise.all(tabs.map((t) => t.close()));
    await Promise.all([...webs, ...workers].map((p) => killApp(p)));
    await sql.end({ timeout: 1 });
    await db.drop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
