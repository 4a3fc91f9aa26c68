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
}

export async function openDatabase(config: Config, log: (line: string) => void): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    return { url: config.databaseUrl, embedded: false, stop: () => Promise.resolve() };
  }
  const server = await startEmbeddedPostgres(join(config.dataDir, "postgres"), { log });
  try {
    const url = await provisionAppRole(server.url, `${server.dataDir}.app-password`);
    return { url, embedded: true, stop: server.stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
