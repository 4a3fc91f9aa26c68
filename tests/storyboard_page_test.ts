// The storyboard's server render: the toolbar shows the true run state (so a reload mid-run is
// right before any JavaScript runs), the notices come from the data, failures are listed on the
// cards, the stream's resume point is consistent with the render, and card props stay small.
import assert from "node:assert/strict";
import { recordEvent } from "./helpers/live.ts";
import { createProject } from "../core/domain/projects.ts";
import { cancelRun, startRun } from "../core/engine/runs.ts";
import { eventCursor } from "../core/live/cursor.ts";
import { LIMITS } from "../core/domain/limits.ts";
import { testApp } from "./helpers/app.ts";
import { setPart } from "./helpers/parts.ts";

function islandProps(html: string): unknown[] {
  const json = /<script type="application\/json" id="__scene_islands">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json, "the page has island props");
  return JSON.parse(json);
}

Deno.test("storyboard page", async (t) => {
  const h = await testApp("storyboard_page");
  try {
    const { id } = await createProject(h.db.sql, {
      title: "Page",
      script: "# One\nFirst scene. Second scene. Third scene.\n# Two\nFourth scene. Fifth scene.",
    });
    const ids = (await h.db.sql<{ id: number }[]>`select id from sentences where project_id = ${id} order by id`)
      .map((r) => r.id);
    const page = async () => {
      const res = await h.app.request(`/projects/${id}`);
      assert.equal(res.status, 200);
      return await res.text();
    };

    await t.step("before any run: Generate All, the notices from the data, the no-JS form", async () => {
      const html = await page();
      assert.match(html, /data-testid="generate"[^>]*>Generate All Scenes</);
      assert.match(
        html,
        /5 scenes have no narration audio yet — generate section audio first for the best timing\./,
      );
      assert.match(html, /5 scenes have\s+no video prompt yet: it will be written automatically/);
      assert.match(html, /5 scenes in 2 sections/);
      assert.equal(html.match(/<form method="post" action="\/sentences\/\d+\/prompts"/g)?.length, 5);
      assert.doesNotMatch(html, /failed — details/);
      // The creator reads "scene" everywhere; the forms take what the API takes.
      assert.deepEqual(
        [...html.matchAll(/<span class="scene-number">([^<]*)<\/span>/g)].map((m) => m[1]),
        ["Scene 1", "Scene 2", "Scene 3", "Scene 4", "Scene 5"],
      );
      assert.doesNotMatch(html.replace(/<[^>]*>/g, " "), /\bsentences?\b/i, "no 'sentence' in the page's text");
      assert.equal(
        html.match(new RegExp(`<textarea name="(image|video)Prompt"[^>]*maxlength="${LIMITS.promptChars}"`, "g"))
          ?.length,
        10,
      );
    });

    await t.step("notices follow the data: audio ready and written prompts are not counted", async () => {
      await setPart(h.db.sql, ids[0], "audio", { status: "done", path: "projects/1/a.m4a" });
      await h.db.sql`update sentences set video_prompt = 'Slow push-in.' where id = any(${ids.slice(0, 4)}::int[])`;
      const html = await page();
      assert.match(html, /4 scenes have no narration audio yet/);
      assert.match(html, /1 scene has\s+no video prompt yet/);
      for (const id of ids) await setPart(h.db.sql, id, "audio", { status: "done", path: "projects/1/a.m4a" });
      await h.db.sql`update sentences set video_prompt = 'Slow push-in.'`;
      const none = await page();
      assert.doesNotMatch(none, /no narration audio yet/);
      assert.doesNotMatch(none, /no video prompt yet/);
      await h.db.sql`update scene_parts set status = 'idle', take_id = null where kind = 'audio'`;
      await h.db.sql`update sentences set video_prompt = ''`;
    });

    await t.step("mid-run (reload): the label, bar, counts and queued cards come from the database", async () => {
      const { run } = await startRun(h.db.sql, id, { maxAttempts: 3 });
      const html = await page();
      assert.match(html, /Generating\.\.\. \(0\/5\)/);
      assert.match(html, /role="progressbar"/);
      assert.match(html, /Images 0\/5 · Videos 0\/5/);
      assert.match(html, /data-testid="cancel"/);
      assert.equal(html.match(/data-part="image" data-status="queued"/g)?.length, 5);
      assert.equal(html.match(/After the image/g)?.length, 5);
      // The stream resumes after every event the render already reflects.
      const [{ max }] = await h.db.sql`select max(id)::int as max from events where project_id = ${id}`;
      const toolbar = islandProps(html)[0] as { lastEventId: number; run: { id: number; status: string } };
      assert.equal(toolbar.lastEventId, max);
      assert.equal(toolbar.run.id, run.id);
      assert.equal(toolbar.run.status, "active");
      await cancelRun(h.db.sql, id);
    });

    await t.step("after a cancel: the last run's outcome, cancelled cards", async () => {
      const html = await page();
      assert.match(html, />Generate All Scenes</);
      assert.match(html, /Last run: Cancelled — 0 of 5 scenes generated\./);
      assert.equal(html.match(/data-part="image" data-status="cancelled"/g)?.length, 5);
    });

    await t.step("failures: the toolbar offers the details, the card shows the message", async () => {
      await setPart(h.db.sql, ids[1], "image", { status: "failed", error: "The model file is missing." });
      const html = await page();
      assert.match(html, /1 failed — details/);
      assert.match(html, /<strong>Image failed:<\/strong> The model file is missing\./);
    });

    await t.step("card props stay small (a storyboard may have 500+ cards)", async () => {
      const props = islandProps(await page());
      const cards = props.filter((p) => typeof p === "object" && p !== null && "n" in p);
      assert.equal(cards.length, 5);
      for (const p of cards) assert.ok(JSON.stringify(p).length < 220, JSON.stringify(p));
    });
  } finally {
    await h.close();
  }
});

Deno.test("eventCursor: every event up to it is committed", async () => {
  const h = await testApp("event_cursor");
  try {
    const sql = h.db.sql;
    const { id: projectId } = await createProject(sql, { title: "Cursor", script: "One. Two." });
    assert.equal(await eventCursor(sql), 0);
    const emit = () =>
      sql.begin((tx) => recordEvent(tx, { projectId, runId: null, type: "run.progress", data: {} })) as Promise<
        number
      >;
    await emit();
    const second = await emit();
    assert.equal(await eventCursor(sql), second);

    // A transaction that wrote an event and is still open: its id is not final yet.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldId = 0;
    const open = sql.begin(async (tx) => {
      heldId = await recordEvent(tx, { projectId, runId: null, type: "run.progress", data: {} });
      await held;
    });
    while (!heldId) await new Promise((r) => setTimeout(r, 5));
    const later = await emit(); // commits before the held one
    assert.ok(later > heldId);
    try {
      // It waits for the writer; if the writer stays open, it falls back to ids older than any
      // open writer (here: none is older than a minute).
      assert.equal(await eventCursor(sql, { waitMs: 50, fallbackAgeMs: 60_000 }), 0);
      setTimeout(release, 100);
      assert.equal(await eventCursor(sql, { waitMs: 5000 }), later);
    } finally {
      release();
      await open;
    }
  } finally {
    await h.close();
  }
});
