/**
 * The role the app connects to its embedded Postgres as: `scene_studio`, a login role that is
 * not a superuser, cannot create databases or roles, and owns only the app's schemas (`public`
 * and `graphile_worker`) and what is in them. A hole in the app (an SQL injection, a bug in a
 * dependency) then reaches the app's own tables, not the server: no `COPY … TO PROGRAM`, no
 * reading `pg_authid`, no `ALTER SYSTEM`. The superuser `postgres` is used only here, at start-up.
 *
 * Run at every start, idempotently, under an advisory lock: it creates the role (password from
 * `<cluster>.app-password`, random, mode 0600, scram like the superuser's), grants it CONNECT,
 * TEMPORARY and CREATE (graphile-worker creates its schema) on the database, and hands it the
 * schemas. A data folder from an older version, where `postgres` owned everything, is migrated
 * the same way: every table, view, sequence, function and type in the app's schemas changes
 * owner. DATABASE_URL databases are left as their admin set them up.
 */
import type { Sql } from "./client.ts";
import { connect } from "./client.ts";

/** The app's role in the embedded Postgres. */
export const APP_ROLE = "scene_studio";
/** Schemas the app owns. */
export const APP_SCHEMAS = ["public", "graphile_worker"] as const;

const LOCK_KEY = 727_003; // arbitrary, constant: "scene studio app role"

/**
 * Makes sure the app role exists with the password in `passwordFile` (created when missing) and
 * owns the app's schemas; returns the app's connection string (the admin URL with the app role).
 */
export async function provisionAppRole(adminUrl: string, passwordFile: string): Promise<string> {
  const password = await readOrCreatePassword(passwordFile);
  const admin = connect(adminUrl, { max: 1 });
  try {
    await admin`select pg_advisory_lock(${LOCK_KEY})`;
    try {
      await ensureRole(admin, password);
      await handOverSchemas(admin);
    } finally {
      await admin`select pg_advisory_unlock(${LOCK_KEY})`;
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.username = APP_ROLE;
  url.password = password; // hex: nothing to encode
  return url.toString();
}

async function ensureRole(admin: Sql, password: string) {
  if (!/^[0-9a-f]{32,}$/.test(password)) throw new Error("The app role's password file holds an unexpected value.");
  const [existing] = await admin`select 1 from pg_roles where rolname = ${APP_ROLE}`;
  const attributes = "login nosuperuser nocreatedb nocreaterole noreplication nobypassrls";
  // DDL takes no parameters; the name is a constant and the password is checked to be hex.
  await admin.unsafe(
    `${existing ? "alter" : "create"} role ${APP_ROLE} with ${attributes} password '${password}'`,
  );
  const [{ db }] = await admin<{ db: string }[]>`select current_database() as db`;
  await admin.unsafe(`grant connect, temporary, create on database "${db.replaceAll('"', '""')}" to ${APP_ROLE}`);
}

/**
 * Gives the app role the app's schemas and everything in them. Tables bring their indexes,
 * identity and serial sequences and row types along; the rest is listed from the catalogs.
 */
async function handOverSchemas(admin: Sql) {
  for (const schema of APP_SCHEMAS) {
    const [found] = await admin`select 1 from pg_namespace where nspname = ${schema}`;
    if (found) await admin.unsafe(`alter schema ${schema} owner to ${APP_ROLE}`);
  }
  await admin.unsafe(`
    do $$
    declare r record;
    begin
      for r in
        select c.oid::regclass::text as name,
          case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
            when 'S' then 'sequence' else 'table' end as kind
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'graphile_worker') and c.relowner <> '${APP_ROLE}'::regrole
          and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
          and not (c.relkind = 'S' and exists (
            select 1 from pg_depend d
            where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
      loop
        execute format('alter %s %s owner to ${APP_ROLE}', r.kind, r.name);
      end loop;
      for r in
        select p.oid::regprocedure::text as name,
          case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end as kind
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'graphile_worker') and p.proowner <> '${APP_ROLE}'::regrole
      loop
        execute format('alter %s %s owner to ${APP_ROLE}', r.kind, r.name);
      end loop;
      for r in
        select t.oid::regtype::text as name
        from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname in ('public', 'graphile_worker') and t.typowner <> '${APP_ROLE}'::regrole
          and (t.typtype in ('d', 'e', 'r')
            or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
      loop
        execute format('alter type %s owner to ${APP_ROLE}', r.name);
      end loop;
    end $$`);
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await Deno.readTextFile(file)).trim();
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const password = crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", "");
  try {
    await Deno.writeTextFile(file, password + "\n", { mode: 0o600, createNew: true });
    return password;
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    return (await Deno.readTextFile(file)).trim(); // another process wrote it first
  }
}
