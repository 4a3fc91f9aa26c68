/**
 * Worker heartbeats. graphile-worker leaves a killed worker's jobs locked for four hours, so every
 * worker pool writes a row to worker_heartbeats every WORKER_HEARTBEAT_MS, and any live worker
 * releases (graphile_worker.force_unlock_workers) the jobs of pools that went silent.
 */
import type { Sql } from "../db/client.ts";
import { processRuns } from "../system/process.ts";

/** Records that pool `poolId` is alive (inserting its row when missing). */
export async function beat(sql: Sql, poolId: string): Promise<void> {
  await sql`
    insert into worker_heartbeats (pool_id, host, pid) values (${poolId}, ${Deno.hostname()}, ${Deno.pid})
    on conflict (pool_id) do update set last_seen_at = now()`;
}

/** Removes a pool's heartbeat (clean shutdown). */
export async function removeHeartbeat(sql: Sql, poolId: string): Promise<void> {
  await sql`delete from worker_heartbeats where pool_id = ${poolId}`;
}

/**
 * Releases the jobs of dead pools; returns their ids (empty when every worker is alive). A pool is
 * dead when silent for `deadAfterMs`, or sooner — after `heartbeatMs` × 2 of silence — when its
 * heartbeat names this host and a process that no longer runs here (the common crash-and-restart
 * of a single-machine install). The silence bound keeps a live worker of another machine or
 * container that shares the host name from ever being taken for dead.
 */
export async function unlockDeadWorkers(sql: Sql, deadAfterMs: number, heartbeatMs = deadAfterMs): Promise<string[]> {
  const local = await sql<{ pool_id: string; pid: number }[]>`
    select pool_id, pid from worker_heartbeats
    where host = ${Deno.hostname()} and pid <> ${Deno.pid}
      and last_seen_at < now() - ${2 * heartbeatMs} * interval '1 millisecond'`;
  const gone = local.filter((row) => !processRuns(row.pid)).map((row) => row.pool_id);
  return await sql.begin(async (tx) => {
    const [{ ids }] = await tx<{ ids: string[] }[]>`
      with threshold as (select now() - ${deadAfterMs} * interval '1 millisecond' as t),
      silent as (
        delete from worker_heartbeats
        where last_seen_at < (select t from threshold) or pool_id = any(${gone}::text[])
        returning pool_id
      ),
      lock_holders as (
        select locked_by as pool_id, locked_at from graphile_worker.jobs where locked_by is not null
        union all
        select locked_by, locked_at from graphile_worker._private_job_queues where locked_by is not null
      ),
      unknown as (
        select distinct l.pool_id from lock_holders l
        where l.locked_at < (select t from threshold)
          and not exists (
            select 1 from worker_heartbeats h
            where h.pool_id = l.pool_id and h.last_seen_at >= (select t from threshold)
          )
      )
      select array(select pool_id from silent union select pool_id from unknown) as ids`;
    if (ids.length) await tx`select graphile_worker.force_unlock_workers(${ids}::text[])`;
    return ids;
  });
}
