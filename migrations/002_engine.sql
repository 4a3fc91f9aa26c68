-- The generation engine's bookkeeping: worker heartbeats (so a live worker can release the jobs of
-- a dead one), indexes for the scene parts that are in flight, and the wake-up trigger that lets an
-- idle worker start the next job of a named queue the moment that queue frees up.

-- One row per running worker pool (graphile-worker locks jobs by pool id). Workers update
-- last_seen_at every few seconds; a pool silent for longer than WORKER_DEAD_AFTER_MS is dead and
-- its locked jobs are released with graphile_worker.force_unlock_workers.
create table worker_heartbeats (
  pool_id text primary key,
  host text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

-- Scene parts in flight (queued or running), per run: progress counts, reconciliation, invariants.
create index sentences_image_live on sentences (image_run_id) where image_status in ('queued', 'running');
create index sentences_video_live on sentences (video_run_id) where video_status in ('queued', 'running');

-- graphile-worker notifies its workers ("jobs:insert") only when a job is added. A job of a named
-- queue that waits behind a running one becomes runnable when that queue is unlocked (job done,
-- failed, or force-unlocked), and nothing wakes the idle workers then: they would sleep out their
-- poll interval. This trigger sends graphile-worker's own wake-up at the moment the unlock commits,
-- when a runnable job is waiting in that queue.
create function studio_wake_workers_on_queue_unlock() returns trigger
language plpgsql as $$
begin
  if exists (
    select 1 from graphile_worker._private_jobs as jobs
    where jobs.job_queue_id = new.id and jobs.is_available and jobs.run_at <= now()
  ) then
    perform pg_notify('jobs:insert', '{"count":1,"r":' || random()::text || '}');
  end if;
  return null;
end;
$$;

create trigger studio_wake_workers
after update of locked_by on graphile_worker._private_job_queues
for each row when (old.locked_by is not null and new.locked_by is null)
execute function studio_wake_workers_on_queue_unlock();
