/**
 * Access, database side: the embedded Postgres listens on 127.0.0.1 with scram and a random
 * password, and the app connects as `scene_studio`, a role that is no superuser and owns only
 * the app's schemas. A data folder from an older version (everything owned by `postgres`) is
 * migrated at start and keeps its data.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { loadConfig } from "../../config.ts";
import { APP_ROLE } from "../../core/db/app_role.ts";
import { connect, type Sql } from "../../core/db/client.ts";
import { startEmbeddedPostgres } from "../../core/db/embedded_postgres.ts";
import { migrate } from "../../core/db/migrate.ts";
import { openDatabase } from "../../core/db/open.ts";
import { createProject, getProject } from "../../core/domain/projects.ts";

async function dataDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "studio-role-" });
  await Deno.chmod(dir, 0o755); // the postgres OS user must reach it when we run as root
  return dir;
}

/** Owners of the app's schemas and of everything in them that is not the app role's. */
async function foreignOwned(sql: Sql): Promise<string[]> {
  const rows = await sql<{ what: string }[]>`
    select 'schema ' || nspname || ' owned by ' || pg_get_userbyid(nspowner) as what from pg_namespace
    where nspname in ('public', 'graphile_worker') and pg_get_userbyid(nspowner) <> ${APP_ROLE}
    union all
    select 'relation ' || c.oid::regclass::text || ' owned by ' || pg_get_userbyid(c.relowner)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'graphile_worker') and pg_get_userbyid(c.relowner) <> ${APP_ROLE}
    union all
    select 'function ' || p.oid::regprocedure::text || ' owned by ' || pg_get_userbyid(p.proowner)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'graphile_worker') and pg_get_userbyid(p.proowner) <> ${APP_ROLE}
    union all
    select 'type ' || t.oid::regtype::text || ' owned by ' || pg_get_userbyid(t.typowner)
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname in ('public', 'graphile_worker') and pg_get_userbyid(t.typowner) <> ${APP_ROLE}`;
  return rows.map((r) => r.what);
}

async function refused(sql: Sql, query: string): Promise<string> {
  try {
    await sql.unsafe(query);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${query} was allowed`);
}

Deno.test("the app's role in the embedded Postgres is no superuser and owns only the app's schemas", async () => {
  const dir = await dataDir();
  const database = await openDatabase(loadConfig({ STUDIO_DATA_DIR: dir }), () => {});
  const sql = connect(database.url);
  try {
    const url = new URL(database.url);
    assert.equal(url.username, APP_ROLE);
    assert.equal(url.hostname, "127.0.0.1");
    await migrate(sql, database.url);
    const [role] = await sql`select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
      from pg_roles where rolname = current_user`;
    assert.deepEqual({ ...role }, {
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
      rolbypassrls: false,
    });
    assert.deepEqual(await foreignOwned(sql), []);
    const [{ n }] = await sql`select count(*)::int as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
      where s.nspname = 'graphile_worker' and c.relkind = 'r'`;
    assert.ok(n > 0, "graphile-worker's tables exist, created by the app role");
    // What a superuser could do and the app cannot.
    assert.match(await refused(sql, "select * from pg_authid"), /permission denied/);
    assert.match(await refused(sql, "copy (select 1) to program 'true'"), /permission denied|must be superuser/);
    assert.match(await refused(sql, "create database other"), /permission denied/);
    assert.match(await refused(sql, "create role intruder"), /permission denied/);
    assert.match(await refused(sql, "alter system set work_mem = '1GB'"), /permission denied|must be superuser/);
    // The server listens on loopback only and wants the (scram) password.
    const [{ listen }] = await sql`select current_setting('listen_addresses') as listen`;
    assert.equal(listen, "127.0.0.1");
    const wrong = new URL(database.url);
    wrong.password = "not-the-password";
    const intruder = postgres(wrong.toString(), { max: 1, connect_timeout: 5, onnotice: () => {} });
    await assert.rejects(intruder`select 1`, /password authentication failed/);
    await intruder.end();
    const mode = (await Deno.stat(join(dir, "postgres.app-password"))).mode! & 0o777;
    assert.equal(mode, 0o600);
  } finally {
    await sql.end();
    await database.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a data folder from an older version (all owned by postgres) is migrated and keeps its data", async () => {
  const dir = await dataDir();
  try {
    // The older version: the app connected as the superuser and created everything as it.
    const old = await startEmbeddedPostgres(join(dir, "postgres"), { log: () => {} });
    const oldSql = connect(old.url);
    await migrate(oldSql, old.url);
    const { id } = await createProject(oldSql, { title: "Made before", script: "One. Two. Three." });
    const [{ owner }] =
      await oldSql`select pg_get_userbyid(relowner) as owner from pg_class where relname = 'projects'`;
    assert.equal(owner, "postgres");
    await oldSql.end();
    await old.stop();

    // This version on the same folder.
    const database = await openDatabase(loadConfig({ STUDIO_DATA_DIR: dir }), () => {});
    const sql = connect(database.url);
    try {
      assert.equal(new URL(database.url).username, APP_ROLE);
      assert.deepEqual((await migrate(sql, database.url)).applied, []);
      assert.deepEqual(await foreignOwned(sql), []);
      assert.equal((await getProject(sql, id)).sentenceCount, 3);
      const created = await createProject(sql, { title: "Made after", script: "Four. Five." });
      assert.equal((await getProject(sql, created.id)).sentenceCount, 2);
      await sql`select graphile_worker.add_job('prune_events'::text, '{}'::json, job_key => 'role-test'::text)`;
      const [{ jobs }] = await sql`select count(*)::int as jobs from graphile_worker.jobs where key = 'role-test'`;
      assert.equal(jobs, 1);
    } finally {
      await sql.end();
      await database.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
