/**
 * The app's Postgres client (postgres.js). One pool per process; domain functions take it (or a
 * transaction from it) as their first argument so routes, workers and tests share the same code.
 */
import postgres from "postgres";

/** A postgres.js client or transaction. */
export type Sql = postgres.Sql;
/** A postgres.js transaction. */
export type Tx = postgres.TransactionSql;

/**
 * Opens a pool to `url`. Notices are silenced; connections are named in pg_stat_activity
 * (`scene-studio` unless `applicationName` says otherwise); everything else is postgres.js defaults.
 */
export function connect(url: string, options: { max?: number; applicationName?: string } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "scene-studio" },
  });
}
