/**
 * The app's Postgres client (postgres.js). One pool per process; domain functions take it (or a
 * transaction from it) as their first argument so routes, workers and tests share the same code.
 *
 * The `postgres` imported here is postgres.js 3.4.9 with a patch (vendor/postgres, linked in
 * deno.json): upstream, a connection dropped by the server mid-transaction crashed the process with
 * an uncatchable TypeError (a ROLLBACK written to the closed socket from a setImmediate;
 * porsager/postgres#1154, #1208), and a few neighbouring cases hung or left unhandled rejections.
 * With it, queries on a lost connection fail with `CONNECTION_CLOSED` (see core/system/faults.ts)
 * and the pool reconnects. tests/db_connection_loss_test.ts holds each case.
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
