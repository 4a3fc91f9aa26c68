-- Admin SQL: read-only views of the engine in their own schema, and functions that ask a worker to
-- run the app's own operations (so an admin acting from SQL keeps every invariant the app keeps).
-- docs/admin-sql.md has recipes; every view and column carries a comment (\d+ in psql shows them).
create schema studio_admin;
comment on schema studio_admin is 'Scene Studio for admins: views of the queue, failures, runs and workers, and actions that a worker carries out with the app''s own functions. See docs/admin-sql.md.';

-- Scene numbers as the creator sees them (1-based, in section and sentence order).
create view studio_admin.scenes as
select s.id as sentence_id, s.project_id, p.title as project_title,
  row_number() over (partition by s.project_id order by sec.position, s.position)::int as scene_number,
  s.text
from sentences s join sections sec on sec.id = s.section_id join projects p on p.id = s.project_id;
comment on view studio_admin.scenes is 'Every scene with its project and the number the creator sees.';
comment on column studio_admin.scenes.sentence_id is 'The sentence (scene) id used by the API.';
comment on column studio_admin.scenes.scene_number is 'The scene number shown on the storyboard (1-based).';

create view studio_admin.queue as
select j.id as job_id, j.task_identifier as task, j.queue_name as queue, p.kind as part,
  sc.project_id, sc.project_title, p.sentence_id, sc.scene_number,
  p.status as part_status, p.phase, j.attempts, j.max_attempts, j.run_at, j.locked_at, j.locked_by,
  h.host as worker_host, h.pid as worker_pid,
  extract(epoch from now() - h.last_seen_at)::int as heartbeat_age_s,
  j.last_error
from graphile_worker.jobs j
left join scene_parts p on j.key = p.kind || ':' || p.sentence_id
left join studio_admin.scenes sc on sc.sentence_id = p.sentence_id
left join worker_heartbeats h on h.pool_id = j.locked_by
order by j.locked_at is null, j.priority, j.run_at, j.id;
comment on view studio_admin.queue is 'What is queued or running now: every job, with the scene part it makes (generation jobs) and the worker running it.';
comment on column studio_admin.queue.task is 'generate_image, generate_video, generate_audio, or another task (thumbnails, clean-up).';
comment on column studio_admin.queue.queue is 'Named queue (images, videos, audio…): one job of a queue runs at a time across all workers.';
comment on column studio_admin.queue.part_status is 'The part''s state: queued or running while its job exists.';
comment on column studio_admin.queue.phase is 'held (waits for the run''s images), waiting (behind other work on the GPU server) or retrying.';
comment on column studio_admin.queue.run_at is 'When the job may start (later for a retry''s backoff; far in the future while held).';
comment on column studio_admin.queue.locked_at is 'When a worker took it (null: not running).';
comment on column studio_admin.queue.locked_by is 'The worker pool running it (see studio_admin.workers).';
comment on column studio_admin.queue.heartbeat_age_s is 'Seconds since that worker last said it was alive.';
comment on column studio_admin.queue.last_error is 'graphile-worker''s last error for the job (database errors; generation errors are on the part).';

create view studio_admin.failures as
select sc.project_id, sc.project_title, p.sentence_id, sc.scene_number, p.kind as part, p.attempts, p.error,
  p.run_id, p.updated_at as failed_at
from scene_parts p join studio_admin.scenes sc on sc.sentence_id = p.sentence_id
where p.status = 'failed'
order by p.updated_at desc;
comment on view studio_admin.failures is 'Every failed scene part with its last error, newest first.';
comment on column studio_admin.failures.attempts is 'Attempts made (transient errors are retried up to MAX_ATTEMPTS).';
comment on column studio_admin.failures.error is 'The message the creator sees on the card.';
comment on column studio_admin.failures.run_id is 'The run that last queued the part.';

create view studio_admin.runs as
select r.id as run_id, r.project_id, pr.title as project_title, r.status, r.started_at, r.finished_at,
  r.cancelled_at, coalesce(r.finished_at, now()) - r.started_at as duration,
  c.total_scenes, c.finished_scenes, c.failed_scenes, c.queued_parts, c.running_parts
from scene_runs r join projects pr on pr.id = r.project_id
cross join lateral (
  select count(distinct p.sentence_id)::int as total_scenes,
    count(distinct p.sentence_id) filter (where p.status in ('done', 'failed', 'cancelled'))::int as finished_scenes,
    count(distinct p.sentence_id) filter (where p.status = 'failed')::int as failed_scenes,
    count(*) filter (where p.status = 'queued')::int as queued_parts,
    count(*) filter (where p.status = 'running')::int as running_parts
  from scene_parts p where p.run_id = r.id
) c
order by r.id desc;
comment on view studio_admin.runs is 'Runs with their counts, newest first (counts of an older run change when a later run takes over its scenes).';
comment on column studio_admin.runs.status is 'active, completed (possibly with failures) or cancelled.';
comment on column studio_admin.runs.finished_scenes is 'Scenes of the run with nothing left queued or running.';
comment on column studio_admin.runs.queued_parts is 'Parts of the run waiting for their turn.';
comment on column studio_admin.runs.running_parts is 'Parts of the run being made now.';

create view studio_admin.workers as
select h.pool_id, h.host, h.pid, h.started_at, h.last_seen_at,
  extract(epoch from now() - h.last_seen_at)::int as heartbeat_age_s,
  (select count(*)::int from graphile_worker.jobs j where j.locked_by = h.pool_id) as running_jobs
from worker_heartbeats h
order by h.last_seen_at desc;
comment on view studio_admin.workers is 'Worker processes with the age of their last heartbeat (a worker silent past WORKER_DEAD_AFTER_MS is dead).';
comment on column studio_admin.workers.pool_id is 'graphile-worker''s pool id: what its job locks are keyed by.';
comment on column studio_admin.workers.running_jobs is 'Jobs it holds now.';

create view studio_admin.orphaned_jobs as
select j.id as job_id, j.task_identifier as task, j.queue_name as queue, j.key, j.locked_by, j.locked_at,
  extract(epoch from now() - coalesce(h.last_seen_at, j.locked_at))::int as silent_s
from graphile_worker.jobs j
left join worker_heartbeats h on h.pool_id = j.locked_by
where j.locked_by is not null and (h.pool_id is null or h.last_seen_at < now() - interval '45 seconds');
comment on view studio_admin.orphaned_jobs is 'Running jobs whose worker is gone or silent for 45 s: a live worker releases them by itself; studio_admin.release_dead_workers() asks at once.';
comment on column studio_admin.orphaned_jobs.silent_s is 'Seconds since the worker holding it was last heard from.';

-- Actions: each adds an `admin_action` job that a worker runs with the app's own functions (the
-- ones the API calls), so the run, parts, jobs and events stay consistent. Returns the job id.
create function studio_admin.request(action text, args jsonb) returns bigint
language sql as $$
  select (graphile_worker.add_job('admin_action'::text, (jsonb_build_object('action', action) || args)::json, max_attempts => 3)).id
$$;
comment on function studio_admin.request(text, jsonb) is 'Internal: queues an admin action for a worker.';

create function studio_admin.cancel_run(project_id integer) returns bigint
language sql as $$ select studio_admin.request('cancel_run', jsonb_build_object('projectId', project_id)) $$;
comment on function studio_admin.cancel_run(integer) is 'Cancels the project''s active run, as its Cancel button does.';

create function studio_admin.retry_failed(project_id integer) returns bigint
language sql as $$ select studio_admin.request('retry_failed', jsonb_build_object('projectId', project_id)) $$;
comment on function studio_admin.retry_failed(integer) is 'Queues the project''s failed parts again, as "Retry all" does.';

create function studio_admin.release_dead_workers() returns bigint
language sql as $$ select studio_admin.request('release_dead_workers', '{}'::jsonb) $$;
comment on function studio_admin.release_dead_workers() is 'Releases the jobs of workers silent past WORKER_DEAD_AFTER_MS and makes scene states agree with the jobs.';

create function studio_admin.prune_runs(older_than interval) returns bigint
language sql as $$
  select studio_admin.request('prune_runs', jsonb_build_object('olderThanSeconds', extract(epoch from older_than)))
$$;
comment on function studio_admin.prune_runs(interval) is 'Deletes ended runs (and their events) older than this; parts keep their state and takes.';

create function studio_admin.prune_events(older_than interval) returns bigint
language sql as $$
  select studio_admin.request('prune_events', jsonb_build_object('olderThanSeconds', extract(epoch from older_than)))
$$;
comment on function studio_admin.prune_events(interval) is 'Deletes live-update events older than this (the hourly task keeps EVENTS_RETENTION_DAYS).';

create function studio_admin.prune_takes(keep integer) returns bigint
language sql as $$ select studio_admin.request('prune_takes', jsonb_build_object('keep', keep)) $$;
comment on function studio_admin.prune_takes(integer) is 'Keeps only the newest `keep` takes of every part (never the one shown) and deletes the others'' files.';
