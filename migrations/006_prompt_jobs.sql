-- The prompt writer's jobs: "Write prompts" for a scene, a section or a whole project. A job lists
-- the scenes it writes in script order (`sentence_ids`) and counts how many it has done
-- (`written`): each batch is one worker job that commits its prompts and the count together, so the
-- next batch (or a batch taken over after a crash or a shutdown) starts at `sentence_ids[written + 1]`.
-- `notes` carries the writer's running notes (characters, setting, style) from one batch to the next.
create table prompt_jobs (
  id integer generated always as identity primary key,
  project_id integer not null references projects (id) on delete cascade,
  status text not null default 'active' check (status in ('active', 'completed', 'failed', 'cancelled')),
  -- What was asked for: the project, one section, or the listed scenes.
  scope text not null check (scope in ('project', 'section', 'scenes')),
  section_id integer,
  sentence_ids integer[] not null,
  total integer not null check (total >= 0),
  written integer not null default 0 check (written >= 0 and written <= total),
  notes text not null default '',
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((status = 'active') = (finished_at is null))
);
-- At most one active prompt job per project, enforced by the database itself.
create unique index prompt_jobs_one_active on prompt_jobs (project_id) where status = 'active';
create index prompt_jobs_project_latest on prompt_jobs (project_id, id desc);
