/**
 * `main.ts status [PROJECT]`: runs, queues and workers in the terminal, read from the admin views
 * (migrations/010_admin.sql, schema studio_admin) — the same rows an admin reads with psql.
 * Without PROJECT: workers, jobs per queue, active runs, recent failures. With PROJECT: its
 * runs, queued and running parts, failures and exports. `--json` prints the same as one object.
 */
import type { Config } from "../config.ts";
import type { Sql } from "../core/db/client.ts";
import { CommandError, withDatabase } from "./database.ts";
import { PROGRAM } from "./args.ts";
import { table } from "./table.ts";

type Row = Record<string, unknown>;

/** The state of everything (no project) or of one project, as rows of the admin views. */
export interface StatusReport {
  project: { id: number; title: string } | null;
  workers: Row[];
  queues: Row[];
  runs: Row[];
  jobs: Row[];
  failures: Row[];
  exports: Row[];
  orphanedJobs: number;
}

/** Reads the report; CommandError for an unknown project. */
export async function readStatus(sql: Sql, projectId: number | null): Promise<StatusReport> {
  const workers = await sql<Row[]>`
    select pool_id, host, pid, heartbeat_age_s, running_jobs from studio_admin.workers`;
  const [{ orphaned }] = await sql<
    { orphaned: number }[]
  >`select count(*)::int as orphaned from studio_admin.orphaned_jobs`;
  const queues = await sql<Row[]>`
    select coalesce(queue, task) as queue, count(*) filter (where locked_at is not null)::int as running,
      count(*) filter (where locked_at is null and run_at <= now())::int as waiting,
      count(*) filter (where locked_at is null and run_at > now())::int as later
    from studio_admin.queue group by 1 order by 1`;
  if (projectId === null) {
    return {
      project: null,
      workers,
      queues,
      runs: await sql<Row[]>`
        select run_id, project_id, project_title, status, started_at, total_scenes, finished_scenes, failed_scenes,
          queued_parts, running_parts
        from studio_admin.runs where status = 'active'`,
      jobs: [],
      failures: await sql<Row[]>`
        select project_id, scene_number, part, error, failed_at from studio_admin.failures limit 10`,
      exports: await sql<Row[]>`
        select id, project_id, status, progress from exports where status in ('queued', 'running') order by id`,
      orphanedJobs: orphaned,
    };
  }
  const [project] = await sql<{ id: number; title: string }[]>`select id, title from projects where id = ${projectId}`;
  if (!project) {
    throw new CommandError(`There is no project with id ${projectId}: "${PROGRAM} status" lists active runs.`);
  }
  return {
    project,
    workers,
    queues,
    runs: await sql<Row[]>`
      select run_id, status, started_at, finished_at, total_scenes, finished_scenes, failed_scenes, queued_parts,
        running_parts
      from studio_admin.runs where project_id = ${projectId} limit 5`,
    jobs: await sql<Row[]>`
      select job_id, queue, part, scene_number, part_status, phase, attempts, locked_by
      from studio_admin.queue where project_id = ${projectId} limit 50`,
    failures: await sql<Row[]>`
      select scene_number, part, attempts, error, failed_at from studio_admin.failures
      where project_id = ${projectId} limit 20`,
    exports: await sql<Row[]>`
      select id, status, progress, error, created_at, finished_at from exports
      where project_id = ${projectId} order by id desc limit 3`,
    orphanedJobs: orphaned,
  };
}

/** Prints the status report (text tables, or JSON with `json`). */
export async function statusCommand(
  config: Config,
  project: string | undefined,
  json: boolean,
  out: (line: string) => void,
  log: (line: string) => void,
) {
  let projectId: number | null = null;
  if (project !== undefined) {
    projectId = Number(project);
    if (!/^\d{1,9}$/.test(project) || projectId < 1) {
      throw new CommandError(`"${project}" is not a project id: give the number from the project's address.`);
    }
  }
  const report = await withDatabase(config, log, (sql) => readStatus(sql, projectId));
  if (json) return out(JSON.stringify(report, null, 2));
  out(formatStatus(report));
}

/** The report as text for the terminal. */
export function formatStatus(r: StatusReport): string {
  const cols = (rows: Row[], fallback: string[]) => rows.length ? Object.keys(rows[0]) : fallback;
  const section = (title: string, rows: Row[], fallback: string[]) =>
    `${title}\n${table(cols(rows, fallback), rows.map((row) => Object.values(row)))}`;
  const parts = [
    r.project ? `Project ${r.project.id} "${r.project.title}"` : "Scene Studio",
    section("Workers", r.workers, []),
    section("Jobs by queue (all projects)", r.queues, []),
  ];
  if (r.orphanedJobs) {
    parts.push(
      `${r.orphanedJobs} running job(s) belong to a worker that stopped responding (studio_admin.orphaned_jobs).`,
    );
  }
  if (r.project) {
    parts.push(section("Runs (newest first)", r.runs, []));
    parts.push(section("Queued and running parts", r.jobs, []));
  } else {
    parts.push(section("Active runs", r.runs, []));
  }
  parts.push(section("Failures (newest first)", r.failures, []));
  parts.push(section(r.project ? "Exports (newest first)" : "Exports in flight", r.exports, []));
  return parts.join("\n\n");
}
