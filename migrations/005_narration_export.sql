-- Narration and the finished video.

-- A section's narration is read in one request (the best flow), so one job makes several audio
-- parts: the job of the section's first queued sentence claims the others of its run and section,
-- and their own jobs are removed. `made_by_job` names the job that makes a part when it is not the
-- part's own (`<kind>:<sentence_id>`); recovery and the invariants look for that job instead. It is
-- set only while the part is in flight.
alter table scene_parts add column made_by_job text;
alter table scene_parts add constraint scene_parts_made_by_when_live
  check (made_by_job is null or status in ('queued', 'running'));

-- Exports: one MP4 of a whole project (scenes in order, narration mixed in, captions), rendered by
-- the `render_export` task on the named queue `exports` (one render at a time across workers).
-- Files live under media/projects/<project_id>/exports/, so they go with the project.
create table exports (
  id integer generated always as identity primary key,
  project_id integer not null references projects (id) on delete cascade,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'done', 'failed', 'cancelled')),
  -- Fraction rendered, 0..1 (1 once done).
  progress real not null default 0 check (progress between 0 and 1),
  -- What the creator asked for: {captions: {burnIn}, placeholders}.
  options jsonb not null default '{}',
  -- Media paths relative to the media folder, once done.
  mp4_path text check (mp4_path !~ '(^/|\.\.)'),
  srt_path text check (srt_path !~ '(^/|\.\.)'),
  vtt_path text check (vtt_path !~ '(^/|\.\.)'),
  error text,
  scene_count integer check (scene_count >= 0),
  -- Length of the video, and how long the render took.
  duration_ms integer check (duration_ms >= 0),
  elapsed_ms integer check (elapsed_ms >= 0),
  attempts integer not null default 0 check (attempts >= 0),
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  constraint exports_done_has_file check (status <> 'done' or mp4_path is not null)
);
create index exports_project on exports (project_id, id desc);
-- One export of a project in flight at a time: a second request gets the one under way.
create unique index exports_one_live on exports (project_id) where status in ('queued', 'running');
