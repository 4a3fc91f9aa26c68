/**
 * Prometheus metrics of a Scene Studio process, in the text exposition format (version 0.0.4):
 * read at each scrape from the database (jobs, part durations, event backlog) and from this
 * process's live-event hub (SSE clients). What each metric means is in its HELP line and the
 * README ("Metrics").
 */
import type { Sql } from "../db/client.ts";
import type { EventHubStats } from "../live/hub.ts";
import { EXPORT_QUEUE, PART_QUEUES } from "../engine/jobs.ts";
import { PROMPT_QUEUE } from "../engine/prompt_queue.ts";

/** Takes per part and provider whose generation times the duration quantiles are taken from. */
export const DURATION_SAMPLE = 100;
/** Events beyond the hub's horizon counted at most (a hub that has not started would count them all). */
const BACKLOG_CAP = 100_000;

/** The content type of the exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;
interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples: { labels: Labels; value: number }[];
}

/** Job states as the metrics name them. */
const JOB_STATES = ["running", "waiting", "scheduled", "failed"] as const;

/**
 * Collects every metric and formats them. `hub` is this process's live-event hub (absent in a
 * worker-only process: the SSE and event metrics are left out).
 */
export async function collectMetrics(sql: Sql, hub?: { stats(): EventHubStats }): Promise<string> {
  const families: Family[] = [await jobFamily(sql), ...await durationFamilies(sql)];
  if (hub) families.push(...await liveFamilies(sql, hub.stats()));
  return formatMetrics(families);
}

async function jobFamily(sql: Sql): Promise<Family> {
  const rows = await sql<{ queue: string; state: string; n: number }[]>`
    select coalesce(queue_name, task_identifier) as queue,
      case when locked_at is not null then 'running'
           when attempts >= max_attempts then 'failed'
           when run_at > now() then 'scheduled'
           else 'waiting' end as state,
      count(*)::int as n
    from graphile_worker.jobs group by 1, 2`;
  // Every named queue appears with every state, so a dashboard sees zeros instead of gaps.
  const counts = new Map<string, number>();
  for (const q of [...Object.values(PART_QUEUES), EXPORT_QUEUE, PROMPT_QUEUE]) {
    for (const s of JOB_STATES) counts.set(`${q}\0${s}`, 0);
  }
  for (const r of rows) counts.set(`${r.queue}\0${r.state}`, r.n);
  return {
    name: "studio_jobs",
    help:
      "Jobs in graphile-worker by queue (named queue, else task) and state: running (taken by a worker), waiting (due), scheduled (a retry's backoff or held until later), failed (attempts used up).",
    type: "gauge",
    samples: [...counts].sort().map(([key, value]) => {
      const [queue, state] = key.split("\0");
      return { labels: { queue, state }, value };
    }),
  };
}

async function durationFamilies(sql: Sql): Promise<Family[]> {
  const rows = await sql<{ part: string; provider: string; n: number; p50: number; p90: number; p99: number }[]>`
    select kind as part, provider, count(*)::int as n,
      percentile_cont(0.5) within group (order by elapsed_ms) as p50,
      percentile_cont(0.9) within group (order by elapsed_ms) as p90,
      percentile_cont(0.99) within group (order by elapsed_ms) as p99
    from (
      select kind, provider, elapsed_ms,
        row_number() over (partition by kind, provider order by id desc) as recent
      from takes where elapsed_ms is not null
    ) t
    where recent <= ${DURATION_SAMPLE}
    group by kind, provider order by kind, provider`;
  return [
    {
      name: "studio_part_duration_seconds",
      help:
        `How long making a scene part took (takes.elapsed_ms), quantiles over the newest ${DURATION_SAMPLE} takes of each part and provider.`,
      type: "gauge",
      samples: rows.flatMap((r) =>
        (["0.5", "0.9", "0.99"] as const).map((quantile) => ({
          labels: { part: r.part, provider: r.provider, quantile },
          value: Number({ "0.5": r.p50, "0.9": r.p90, "0.99": r.p99 }[quantile]) / 1000,
        }))
      ),
    },
    {
      name: "studio_part_duration_samples",
      help: "Takes the part duration quantiles are computed from.",
      type: "gauge",
      samples: rows.map((r) => ({ labels: { part: r.part, provider: r.provider }, value: r.n })),
    },
  ];
}

async function liveFamilies(sql: Sql, stats: EventHubStats): Promise<Family[]> {
  const [row] = await sql<{ backlog: number; lag: number | null }[]>`
    select count(*)::int as backlog, extract(epoch from now() - min(created_at))::float8 as lag
    from (select created_at from events where id > ${stats.horizon} order by id limit ${BACKLOG_CAP}) pending`;
  return [
    {
      name: "studio_sse_clients",
      help: "Live-update (SSE) streams open on this web process.",
      type: "gauge",
      samples: [{ labels: {}, value: stats.subscribers }],
    },
    {
      name: "studio_sse_overflows_total",
      help: "SSE clients cut off because they fell too far behind, since this process started.",
      type: "counter",
      samples: [{ labels: {}, value: stats.overflows }],
    },
    {
      name: "studio_event_backlog",
      help: "Events written to the database that this process has not yet handed to its SSE clients.",
      type: "gauge",
      samples: [{ labels: {}, value: row.backlog }],
    },
    {
      name: "studio_event_lag_seconds",
      help: "Age of the oldest event not yet handed to SSE clients (0 when none waits).",
      type: "gauge",
      samples: [{ labels: {}, value: row.lag === null ? 0 : Math.max(0, row.lag) }],
    },
  ];
}

/** The families in the text exposition format: HELP and TYPE, then one line per sample. */
export function formatMetrics(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) =>
        `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
      );
      const value = Number.isFinite(s.value)
        ? String(s.value)
        : Number.isNaN(s.value)
        ? "NaN"
        : s.value > 0
        ? "+Inf"
        : "-Inf";
      lines.push(`${f.name}${labels.length ? `{${labels.join(",")}}` : ""} ${value}`);
    }
  }
  return lines.join("\n") + "\n";
}
