/** `main.ts migrate`: applies the database migrations that are missing and exits. */
import type { Config } from "../config.ts";
import { withDatabase } from "./database.ts";

/** Applies missing migrations; prints what it applied (or that none were missing). */
export async function migrateCommand(config: Config, out: (line: string) => void, log: (line: string) => void) {
  await withDatabase(config, log, (_sql, migration) => {
    out(
      migration.applied.length
        ? `Applied ${migration.applied.length} migration(s): ${migration.applied.join(", ")}.`
        : "The database is up to date: no migration was missing.",
    );
    return Promise.resolve();
  });
}
