import assert from "node:assert/strict";
import { connect } from "../core/db/client.ts";
import { migrate } from "../core/db/migrate.ts";
import { freshDatabase } from "./helpers/db.ts";

Deno.test("migrations apply from empty, and a re-run applies nothing", async () => {
  const db = await freshDatabase("migrate");
  try {
    // freshDatabase already migrated once: everything is recorded.
    const names = (await db.sql`select name from schema_migrations order by name`).map((r) => r.name);
    assert.ok(names.includes("001_foundation.sql"));
    const again = await migrate(db.sql, db.url);
    assert.deepEqual(again.applied, []);
    const tables = (await db.sql`select table_name from information_schema.tables where table_schema = 'public'`)
      .map((r) => r.table_name);
    for (const t of ["projects", "sections", "sentences", "scene_runs", "events"]) assert.ok(tables.includes(t), t);
    const [{ n }] = await db.sql`select count(*)::int as n from graphile_worker.migrations`;
    assert.ok(n > 0, "graphile-worker schema installed");
  } finally {
    await db.drop();
  }
});

Deno.test("two processes migrating at once do not collide", async () => {
  const db = await freshDatabase("migrate_race");
  try {
    await db.sql`drop schema public cascade`;
    await db.sql`drop schema if exists studio_admin cascade`;
    await db.sql`create schema public`;
    await db.sql`drop schema graphile_worker cascade`;
    const a = connect(db.url);
    const b = connect(db.url);
    const [ra, rb] = await Promise.all([migrate(a, db.url), migrate(b, db.url)]);
    await Promise.all([a.end(), b.end()]);
    // Exactly one of them applied each file.
    assert.equal(
      ra.applied.length + rb.applied.length,
      (await db.sql`select count(*)::int as n from schema_migrations`)[0].n,
    );
    assert.ok(ra.applied.length === 0 || rb.applied.length === 0);
  } finally {
    await db.drop();
  }
});

Deno.test("the schema holds the engine's invariants: statuses, done needs a take, live parts need a run, one active run", async () => {
  const db = await freshDatabase("constraints");
  try {
    const [p] = await db.sql`insert into projects (title) values ('x') returning id`;
    const [s] = await db.sql`insert into sections (project_id, position) values (${p.id}, 0) returning id`;
    const [sentence] = await db.sql`
      insert into sentences (project_id, section_id, position, text) values (${p.id}, ${s.id}, 0, 'hi') returning id`;
    // Every sentence gets its three parts, idle, whoever inserts it.
    const parts = await db.sql`select kind, status from scene_parts where sentence_id = ${sentence.id} order by kind`;
    assert.deepEqual(parts.map((r) => [r.kind, r.status]), [["audio", "idle"], ["image", "idle"], ["video", "idle"]]);
    const part = (status: string) =>
      db.sql`update scene_parts set status = ${status} where sentence_id = ${sentence.id} and kind = 'image'`;
    await assert.rejects(part("exploded"), /check constraint/);
    await assert.rejects(part("done"), /check constraint/, "done needs a take");
    await assert.rejects(part("queued"), /check constraint/, "a queued part belongs to a run");
    await assert.rejects(
      db.sql`insert into takes (sentence_id, kind, path) values (${sentence.id}, 'image', '../etc/passwd')`,
      /check constraint/,
      "a take's path stays inside the media folder",
    );
    await db.sql`insert into scene_runs (project_id) values (${p.id})`;
    await assert.rejects(
      db.sql`insert into scene_runs (project_id) values (${p.id})`,
      /scene_runs_one_active/,
      "one active run per project",
    );
  } finally {
    await db.drop();
  }
});

Deno.test("migration 003 moves sentences' image and video columns into parts and takes", async () => {
  const db = await freshDatabase("migrate_003");
  try {
    // Back to the schema of 002, with data as the previous version stored it.
    await db.sql`drop schema public cascade`;
    await db.sql`drop schema if exists studio_admin cascade`;
    await db.sql`create schema public`;
    await db.sql`create table schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
    for (const name of ["001_foundation.sql", "002_engine.sql"]) {
      await db.sql.unsafe(await Deno.readTextFile(new URL(`../migrations/${name}`, import.meta.url)));
      await db.sql`insert into schema_migrations (name) values (${name})`;
    }
    const [p] = await db.sql`insert into projects (title, aspect_ratio) values ('old', '9:16') returning id`;
    const [sec] = await db.sql`insert into sections (project_id, position) values (${p.id}, 0) returning id`;
    const [run] = await db.sql`insert into scene_runs (project_id) values (${p.id}) returning id`;
    const rows = await db.sql`
      insert into sentences (project_id, section_id, position, text, image_prompt, video_prompt,
        image_status, image_path, video_status, video_path, video_run_id, video_attempts)
      values
        (${p.id}, ${sec.id}, 0, 'One.', 'a', 'pan', 'done', 'projects/1/a.png', 'done', 'projects/1/a.mp4', null, 0),
        (${p.id}, ${sec.id}, 1, 'Two.', 'b', '', 'done', 'projects/1/b.png', 'queued', null, ${run.id}, 1),
        (${p.id}, ${sec.id}, 2, 'Three.', 'c', '', 'failed', null, 'idle', null, null, 0)
      returning id`;
    const applied = await migrate(db.sql, db.url);
    assert.ok(applied.applied.includes("003_scene_parts.sql"));
    const states = await db.sql`
      select id, image_status, image_path, image_outdated, video_status, video_path, video_run_id, video_attempts,
        video_outdated, audio_status
      from scene_states where project_id = ${p.id} order by position`;
    assert.deepEqual(states.map((r) => ({ ...r })), [
      {
        id: rows[0].id,
        image_status: "done",
        image_path: "projects/1/a.png",
        image_outdated: false,
        video_status: "done",
        video_path: "projects/1/a.mp4",
        video_run_id: null,
        video_attempts: 0,
        video_outdated: false,
        audio_status: "idle",
      },
      {
        id: rows[1].id,
        image_status: "done",
        image_path: "projects/1/b.png",
        image_outdated: false,
        video_status: "queued",
        video_path: null,
        video_run_id: run.id,
        video_attempts: 1,
        video_outdated: false,
        audio_status: "idle",
      },
      {
        id: rows[2].id,
        image_status: "failed",
        image_path: null,
        image_outdated: false,
        video_status: "idle",
        video_path: null,
        video_run_id: null,
        video_attempts: 0,
        video_outdated: false,
        audio_status: "idle",
      },
    ]);
    const [clip] = await db.sql`select clip_seconds from projects where id = ${p.id}`;
    assert.equal(clip.clip_seconds, 4, "existing projects keep the clip length their clips were made with");
    // Editing a prompt makes the take out of date; a new project defaults to 5 s clips.
    await db.sql`update sentences set image_prompt = 'changed' where id = ${rows[0].id}`;
    const [after] = await db.sql`select image_outdated, video_outdated from scene_states where id = ${rows[0].id}`;
    assert.deepEqual({ ...after }, { image_outdated: true, video_outdated: false });
    const [fresh] = await db.sql`insert into projects (title) values ('new') returning clip_seconds`;
    assert.equal(fresh.clip_seconds, 5);
  } finally {
    await db.drop();
  }
});
