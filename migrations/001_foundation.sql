-- Projects, their ordered sections and sentences (the scenes), bulk generation runs, and the
-- events table that live updates read from.

create table projects (
  id integer generated always as identity primary key,
  title text not null check (length(title) between 1 and 200),
  aspect_ratio text not null default '16:9' check (aspect_ratio in ('16:9', '9:16')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table sections (
  id integer generated always as identity primary key,
  project_id integer not null references projects (id) on delete cascade,
  position integer not null check (position >= 0),
  title text check (length(title) <= 200),
  unique (project_id, position)
);

create table scene_runs (
  id integer generated always as identity primary key,
  project_id integer not null references projects (id) on delete cascade,
  status text not null default 'active' check (status in ('active', 'completed', 'cancelled')),
  total_scenes integer not null default 0 check (total_scenes >= 0),
  finished_scenes integer not null default 0 check (finished_scenes >= 0),
  failed_scenes integer not null default 0 check (failed_scenes >= 0),
  cancelled_scenes integer not null default 0 check (cancelled_scenes >= 0),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  cancelled_at timestamptz,
  check ((status = 'active') = (finished_at is null))
);
-- At most one active run per project, enforced by the database itself.
create unique index scene_runs_one_active on scene_runs (project_id) where status = 'active';
create index scene_runs_project_latest on scene_runs (project_id, id desc);

create table sentences (
  id integer generated always as identity primary key,
  project_id integer not null references projects (id) on delete cascade,
  section_id integer not null references sections (id) on delete cascade,
  position integer not null check (position >= 0),
  text text not null check (length(text) between 1 and 10000),
  image_prompt text not null default '' check (length(image_prompt) <= 2000),
  video_prompt text not null default '' check (length(video_prompt) <= 2000),
  audio_status text not null default 'none' check (audio_status in ('none', 'ready')),
  audio_url text,
  image_status text not null default 'idle'
    check (image_status in ('idle', 'queued', 'running', 'done', 'failed', 'cancelled')),
  image_path text,
  image_error text,
  image_attempts integer not null default 0 check (image_attempts >= 0),
  image_run_id integer references scene_runs (id) on delete set null,
  image_updated_at timestamptz not null default now(),
  video_status text not null default 'idle'
    check (video_status in ('idle', 'queued', 'running', 'done', 'failed', 'cancelled')),
  video_path text,
  video_error text,
  video_attempts integer not null default 0 check (video_attempts >= 0),
  video_run_id integer references scene_runs (id) on delete set null,
  video_updated_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (section_id, position),
  check ((audio_status = 'ready') = (audio_url is not null)),
  check (image_status <> 'done' or image_path is not null),
  check (video_status <> 'done' or video_path is not null)
);
create index sentences_project on sentences (project_id);
create index sentences_image_run on sentences (image_run_id) where image_run_id is not null;
create index sentences_video_run on sentences (video_run_id) where video_run_id is not null;

-- Every state change a creator should see, written in the same transaction as the change.
create table events (
  id bigint generated always as identity primary key,
  project_id integer not null references projects (id) on delete cascade,
  run_id integer references scene_runs (id) on delete set null,
  type text not null check (type in (
    'run.started', 'scene.updated', 'run.progress', 'run.completed', 'run.cancelled'
  )),
  data jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index events_project_id on events (project_id, id);
create index events_created_at on events (created_at);

-- One-off facts about this installation (e.g. that the demo project was created once).
create table app_flags (
  name text primary key,
  set_at timestamptz not null default now()
);
