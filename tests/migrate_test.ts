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

Deno.test("schema rejects invalid statuses", async () => {
  const db = await freshDatabase("constraints");
  try {
    const [p] = await db.sql`insert into projects (title) values ('x') returning id`;
    const [s] = await db.sql`insert into sections (project_id, position) values (${p.id}, 0) returning id`;
    await assert.rejects(
      db.sql`insert into sentences (project_id, section_id, position, text, image_status)
             values (${p.id}, ${s.id}, 0, 'hi', 'exploded')`,
      /check constraint/,
    );
    await assert.rejects(
      db.sql`insert into sentences (project_id, section_id, position, text, image_status)
             values (${p.id}, ${s.id}, 0, 'hi', 'done')`,
      /check constraint/,
      "done needs a media path",
    );
  } finally {
    await db.drop();
  }
});
