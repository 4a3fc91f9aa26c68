/**
 * The database of a one-shot command (migrate, import, status, export): opened as the server opens
 * it (DATABASE_URL, or the embedded Postgres in the data folder, shared with a running server),
 * brought up to date, used, and closed again.
 */
import type { Config } from "../config.ts";
import { connect, type Sql } from "../core/db/client.ts";
import { migrate, type MigrationResult } from "../core/db/migrate.ts";
import { openDatabase } from "../core/db/open.ts";
import { redactPasswordIn } from "../core/db/redact_url.ts";
import { extractEmbeddedAssets, isBundledBuild } from "../core/system/assets.ts";
import { provideRuntimeBinaries } from "../core/system/runtime_binaries.ts";

/** Thrown for what a command cannot do; its message is printed as is and the exit status is 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/**
 * Runs `use` on the migrated database of `config` and closes it afterwards. `log` gets the lines
 * the embedded Postgres prints while starting (stderr in the CLI, so stdout stays the answer).
 */
export async function withDatabase<T>(
  config: Config,
  log: (line: string) => void,
  use: (sql: Sql, migration: MigrationResult, url: string) => Promise<T>,
): Promise<T> {
  let handle;
  try {
    // The one-file build brings its files and the programs it runs (the embedded Postgres) first.
    if (isBundledBuild()) {
      await extractEmbeddedAssets(config.dataDir);
      await provideRuntimeBinaries(config, log);
    }
    handle = await openDatabase(config, log);
  } catch (error) {
    throw new CommandError(
      `The database could not be opened: ${redactPasswordIn(String((error as Error).message), config.databaseUrl)}`,
    );
  }
  const sql = connect(handle.url, { max: 2 });
  try {
    let migration: MigrationResult;
    try {
      migration = await migrate(sql, handle.url);
    } catch (error) {
      throw new CommandError(
        `The database could not be brought up to date: ${redactPasswordIn((error as Error).message, handle.url)}`,
      );
    }
    return await use(sql, migration, handle.url);
  } finally {
    await sql.end({ timeout: 5 });
    await handle.stop();
  }
}
