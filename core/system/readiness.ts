/**
 * What /readyz reports: can this process do its work right now? The database answers and has every
 * migration of this version applied; the worker pool runs (when this process has one) and some
 * worker's heartbeat is fresh; the embedded Postgres runs (when this process started one); each
 * generation server answers (ComfyUI: `GET /system_stats`; draft and simulated need none). Each
 * part says its state, so an operator sees why the process is not ready.
 *
 * Required parts (a failing one makes `ready` false, and /readyz answer 503): the database, the
 * migrations, the supervised parts this process runs, and — in a process that runs a worker — a
 * fresh heartbeat and the generation servers. A web-only process reports those two without
 * depending on them: its pages and API still work while workers or GPU servers are away.
 */
import type { Sql } from "../db/client.ts";
import { pendingMigrations } from "../db/migrate.ts";
import type { ServiceStatus } from "./supervisor.ts";

/** One server of a generation backend as /readyz shows it. */
export interface ServerReadiness {
  url: string;
  reachable: boolean;
  error: string | null;
}

/** One part's generation backend as /readyz shows it: reachable when every server it uses is. */
export interface ProviderReadiness {
  provider: string;
  reachable: boolean;
  /** The servers asked (none for providers without one, such as draft: always reachable). */
  servers: ServerReadiness[];
}

/** The body of /readyz. */
export interface Readiness {
  ready: boolean;
  database: { reachable: boolean; latencyMs: number | null; error: string | null };
  /** Migrations of this version applied to the database (`missing`: those not yet applied). */
  migrations: {
    current: boolean;
    applied: number | null;
    files: number | null;
    missing: string[];
    error: string | null;
  };
  /** "absent" in a web-only process. */
  worker: ServiceStatus | { state: "absent" };
  /** Worker heartbeats (any worker process on this database): fresh within WORKER_DEAD_AFTER_MS. */
  workerHeartbeat: {
    required: boolean;
    fresh: boolean;
    /** Workers with a fresh heartbeat. */
    workers: number;
    /** Age of the newest heartbeat, or null when there is none. */
    newestAgeMs: number | null;
    error: string | null;
  };
  /** "external" when DATABASE_URL points elsewhere. */
  embeddedPostgres: ServiceStatus | { state: "external" };
  providers: { required: boolean; image: ProviderReadiness; video: ProviderReadiness };
}

/** The supervised parts of a process, as far as it has them. */
export interface ReadinessSources {
  worker?: () => ServiceStatus;
  embeddedPostgres?: () => ServiceStatus;
}

/** What the checks compare against (from the config). */
export interface ReadinessSettings {
  /** A heartbeat older than this is not fresh (WORKER_DEAD_AFTER_MS). */
  workerDeadAfterMs: number;
  /** Each part's provider and its servers' base URLs (none: nothing to ask). */
  providers: Record<"image" | "video", { name: string; servers: string[] }>;
}

/**
 * Runs every check (each at most `timeoutMs`, all at once) and reads the supervisors' states.
 *
 * @example
 * const r = await checkReadiness(sql, { worker: () => workers.status() }, settings);
 * return c.json(r, r.ready ? 200 : 503);
 */
export async function checkReadiness(
  sql: Sql,
  sources: ReadinessSources,
  settings: ReadinessSettings,
  timeoutMs = 1000,
): Promise<Readiness> {
  const hasWorker = sources.worker !== undefined;
  const [database, migrations, workerHeartbeat, image, video] = await Promise.all([
    pingDatabase(sql, timeoutMs),
    checkMigrations(sql, timeoutMs),
    checkHeartbeats(sql, settings.workerDeadAfterMs, timeoutMs, hasWorker),
    ...(["image", "video"] as const).map((kind) => checkProvider(settings.providers[kind], timeoutMs)),
  ]);
  const worker = sources.worker?.() ?? { state: "absent" as const };
  const embeddedPostgres = sources.embeddedPostgres?.() ?? { state: "external" as const };
  const providers = { required: hasWorker, image, video };
  const ready = database.reachable && migrations.current && ["running", "absent"].includes(worker.state) &&
    ["running", "external"].includes(embeddedPostgres.state) &&
    (!workerHeartbeat.required || workerHeartbeat.fresh) &&
    (!providers.required || (image.reachable && video.reachable));
  return { ready, database, migrations, worker, workerHeartbeat, embeddedPostgres, providers };
}

/** `work`, or a rejection after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0];

async function pingDatabase(sql: Sql, timeoutMs: number): Promise<Readiness["database"]> {
  const started = performance.now();
  try {
    await within(timeoutMs, sql`select 1`);
    return { reachable: true, latencyMs: Math.round((performance.now() - started) * 10) / 10, error: null };
  } catch (error) {
    return { reachable: false, latencyMs: null, error: firstLine(error) };
  }
}

async function checkMigrations(sql: Sql, timeoutMs: number): Promise<Readiness["migrations"]> {
  try {
    const { files, applied, missing } = await within(timeoutMs, pendingMigrations(sql));
    return { current: missing.length === 0, applied, files, missing, error: null };
  } catch (error) {
    return { current: false, applied: null, files: null, missing: [], error: firstLine(error) };
  }
}

async function checkHeartbeats(
  sql: Sql,
  deadAfterMs: number,
  timeoutMs: number,
  required: boolean,
): Promise<Readiness["workerHeartbeat"]> {
  try {
    const [row] = await within(
      timeoutMs,
      sql<{ workers: number; newest_age_ms: number | null }[]>`
        select count(*) filter (where last_seen_at > now() - ${deadAfterMs} * interval '1 millisecond')::int as workers,
          (extract(epoch from now() - max(last_seen_at)) * 1000)::float8 as newest_age_ms
        from worker_heartbeats`,
    );
    const newestAgeMs = row.newest_age_ms === null ? null : Math.max(0, Math.round(row.newest_age_ms));
    return { required, fresh: row.workers > 0, workers: row.workers, newestAgeMs, error: null };
  } catch (error) {
    return { required, fresh: false, workers: 0, newestAgeMs: null, error: firstLine(error) };
  }
}

/** Asks each server of a provider (ComfyUI) for `/system_stats`, its cheapest call, all at once. */
async function checkProvider(
  provider: { name: string; servers: string[] },
  timeoutMs: number,
): Promise<ProviderReadiness> {
  const servers = await Promise.all(provider.servers.map((url) => checkServer(url, timeoutMs)));
  return { provider: provider.name, reachable: servers.every((s) => s.reachable), servers };
}

async function checkServer(url: string, timeoutMs: number): Promise<ServerReadiness> {
  try {
    const res = await fetch(new URL("system_stats", url.replace(/\/?$/, "/")), {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual",
    });
    await res.body?.cancel();
    if (!res.ok) return { url, reachable: false, error: `GET /system_stats answered ${res.status}.` };
    return { url, reachable: true, error: null };
  } catch (error) {
    const why = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${timeoutMs} ms`
      : firstLine(error);
    return { url, reachable: false, error: `GET /system_stats failed: ${why}.` };
  }
}
