/**
 * Applies the SQL files in migrations/ in name order, each once, plus graphile-worker's own schema.
 * Everything runs under one Postgres advisory lock, so two processes starting at the same moment
 * wait for each other instead of colliding. (A library would add little over these few lines:
 * postgres-shift and ley do not lock, and graphile-migrate is a development workflow tool.)
 */
import { Logger, runMigrations } from "graphile-worker";
import type { Sql } from "./client.ts";
import { listAssets, readAssetText } from "../system/assets.ts";
import { log } from "../system/log.ts";

const LOCK_KEY = 727_001; // arbitrary, constant: "scene studio migrations"

/** What {@link migrate} did. */
export interface MigrationResult {
  applied: string[];
}

/** Brings the database at `sql` (reachable at `url` for graphile-worker) up to date. */
export async function migrate(sql: Sql, url: string): Promise<MigrationResult> {
  const files = await listMigrations();
  const conn = await sql.reserve();
  try {
    await conn`select pg_advisory_lock(${LOCK_KEY})`;
    try {
      await runMigrations({ connectionString: url, logger: quietLogger() });
      const applied: string[] = [];
      await conn`create table if not exists schema_migrations (
        name text primary key, applied_at timestamptz not null default now())`;
      const done = new Set((await conn<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
      for (const name of files) {
        if (done.has(name)) continue;
        const text = await readAssetText(`migrations/${name}`);
        // A reserved connection has no begin(): run the transaction by hand.
        await conn`begin`;
        try {
          await conn.unsafe(text);
          await conn`insert into schema_migrations (name) values (${name})`;
          await conn`commit`;
        } catch (err) {
          await conn`rollback`;
          throw new Error(`The migration ${name} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(name);
      }
      return { applied };
    } finally {
      await conn`select pg_advisory_unlock(${LOCK_KEY})`;
    }
  } finally {
    conn.release();
  }
}

/** The migration files of this version of the app (migrations/ of the checkout, or of the one-file build: core/system/assets.ts), in the order they apply. */
export async function listMigrations(): Promise<string[]> {
  return (await listAssets("migrations")).filter((name) => /^\d{3,}_[\w-]+\.sql$/.test(name)).sort();
}

/**
 * Which migration files the database at `sql` has not applied (empty: current). Reads
 * schema_migrations; a database never migrated lacks them all.
 */
export async function pendingMigrations(sql: Sql): Promise<{ files: number; applied: number; missing: string[] }> {
  const files = await listMigrations();
  const [table] = await sql`select to_regclass('schema_migrations') as t`;
  const done = table.t === null
    ? new Set<string>()
    : new Set((await sql<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
  return { files: files.length, applied: done.size, missing: files.filter((f) => !done.has(f)) };
}

function quietLogger() {
  // graphile-worker logs every migration at info level; we only want its warnings and errors.
  return new Logger(() => (level: string, message: string) => {
    if (level === "error" || level === "warning") log.warn(`graphile-worker: ${message}`);
  });
}
