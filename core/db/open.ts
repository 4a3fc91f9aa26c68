/**
 * Where the database is: DATABASE_URL when set, else an embedded Postgres in
 * $STUDIO_DATA_DIR/postgres that this process starts and stops, which the app uses as its own
 * non-superuser role (app_role.ts).
 */
import { join } from "node:path";
import type { Config } from "../../config.ts";
import { provisionAppRole } from "./app_role.ts";
import { startEmbeddedPostgres } from "./embedded_postgres.ts";

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  /** Stops the embedded server (no-op for an external database). */
  stop(): Promise<void>;
  /** Settles when the embedded server ends (never for an external database). */
  stopped: Promise<string>;
}

/**
 * Opens the database of `config`. `port` restarts the embedded server on the port it had, so the
 * connection strings the app's pools hold stay valid.
 */
export async function openDatabase(
  config: Config,
  log: (line: string) => void,
  options: { port?: number } = {},
): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: () => Promise.resolve(), stopped: new Promise(() => {}) };
  }
  const server = await startEmbeddedPostgres(join(config.dataDir, "postgres"), { log, port: options.port });
  try {
    const url = await provisionAppRole(server.url, `${server.dataDir}.app-password`);
    return { url, embedded: true, stop: server.stop, stopped: server.exited };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
