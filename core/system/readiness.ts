/**
 * What /readyz reports: can this process do its work right now? The database answers, the worker
 * pool runs (when this process has one), the embedded Postgres runs (when this process started
 * one). Each part says its state, restarts and last error, so an operator sees why it is not ready.
 */
import type { Sql } from "../db/client.ts";
import type { ServiceStatus } from "./supervisor.ts";

/** The body of /readyz. */
export interface Readiness {
  ready: boolean;
  database: { reachable: boolean; latencyMs: number | null; error: string | null };
  /** "absent" in a web-only process. */
  worker: ServiceStatus | { state: "absent" };
  /** "external" when DATABASE_URL points elsewhere. */
  embeddedPostgres: ServiceStatus | { state: "external" };
}

/** The supervised parts of a process, as far as it has them. */
export interface ReadinessSources {
  worker?: () => ServiceStatus;
  embeddedPostgres?: () => ServiceStatus;
}

/**
 * Checks the database (`select 1`, at most `timeoutMs`) and reads the supervisors' states.
 *
 * @example
 * const r = await checkReadiness(sql, { worker: () => workers.status() });
 * return c.json(r, r.ready ? 200 : 503);
 */
export async function checkReadiness(sql: Sql, sources: ReadinessSources, timeoutMs = 1000): Promise<Readiness> {
  const database = await pingDatabase(sql, timeoutMs);
  const worker = sources.worker?.() ?? { state: "absent" as const };
  const embeddedPostgres = sources.embeddedPostgres?.() ?? { state: "external" as const };
  const ready = database.reachable && ["running", "absent"].includes(worker.state) &&
    ["running", "external"].includes(embeddedPostgres.state);
  return { ready, database, worker, embeddedPostgres };
}

async function pingDatabase(sql: Sql, timeoutMs: number): Promise<Readiness["database"]> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      sql`select 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { reachable: true, latencyMs: Math.round((performance.now() - started) * 10) / 10, error: null };
  } catch (error) {
    return { reachable: false, latencyMs: null, error: (error as Error).message.split("\n")[0] };
  } finally {
    clearTimeout(timer);
  }
}
