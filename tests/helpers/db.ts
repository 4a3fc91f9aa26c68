/**
 * A fresh, migrated database for each test file, on the server the test run provides
 * (DATABASE_URL, set by `deno task test` to a throwaway embedded Postgres). Running a single file
 * with plain `deno test` also works: an embedded server is started for that process.
 */
import { connect, type Sql } from "../../core/db/client.ts";
import { startTestCluster } from "./test_cluster.ts";
import { migrate } from "../../core/db/migrate.ts";

export interface TestDatabase {
  sql: Sql;
  /** Connection string of this test database (for worker subprocesses, graphile-worker). */
  url: string;
  name: string;
  /** Closes connections and drops the database. */
  drop(): Promise<void>;
}

let server: Promise<string> | undefined;

function serverUrl(): Promise<string> {
  const fromEnv = Deno.env.get("DATABASE_URL");
  if (fromEnv) return Promise.resolve(fromEnv);
  server ??= (async () => {
    const pg = await startTestCluster();
    globalThis.addEventListener("unload", () => {
      // Best effort (unload cannot wait); a later run sweeps what this leaves behind.
      pg.stop();
    });
    return pg.url;
  })();
  return server;
}

/** Creates and migrates a database named after the caller, e.g. `freshDatabase("api")`. */
export async function freshDatabase(label = "test"): Promise<TestDatabase> {
  const adminUrl = await serverUrl();
  const name = `t_${label.replace(/\W/g, "_").slice(0, 20)}_${crypto.randomUUID().slice(0, 8)}`.toLowerCase();
  const admin = connect(adminUrl, { max: 1 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const sql = connect(url);
  await migrate(sql, url);
  return {
    sql,
    url,
    name,
    async drop() {
      await sql.end({ timeout: 1 });
      const admin = connect(adminUrl, { max: 1 });
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** The same connection string pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
