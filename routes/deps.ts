/**
 * What the routes need from the process that serves them: the database, the settings and (in a web
 * process) the live-event hub. Routes import this type, never the app module, so nothing imports
 * from app.ts but main.ts and the tests.
 */
import type { Config } from "../config.ts";
import type { Sql } from "../core/db/client.ts";
import type { EventHub } from "../core/live/hub.ts";
import type { Providers } from "../providers/from_config.ts";
import type { ReadinessSources } from "../core/system/readiness.ts";

/** What the routes need: the database and the settings. */
export interface AppDeps {
  sql: Sql;
  config: Config;
  /** Live-event fan-out of this web process (core/live/hub.ts); without it the SSE route answers 503. */
  hub?: EventHub;
  /** The process's generation providers (status, checks before a run); built from the config if absent. */
  providers?: Providers;
  /** The supervised parts /readyz reports (main.ts); without them only the database is checked. */
  readiness?: ReadinessSources;
}
