-- Scene parts as rows. A scene (a sentence of the script) has parts of three kinds: its still
-- `image`, the `video` clip animated from it, and its narration `audio`. Each part is one row of
-- scene_parts with its state in the generation engine; every file a generation made is a row of
-- takes, and the part points at the take it currently shows. This replaces the image_* / video_* /
-- audio_* column pairs on sentences: one state machine, one set of queries, any number of kinds.

-- Every file a generation (or an upload) made for a part: its media path relative to the media
-- folder, the prompt and seed it was made from, and what it was made for. The newest TAKES_KEPT
-- takes of each part are kept; older ones are deleted with their files.
create table takes (
  id bigint generated always as identity primary key,
  sentence_id integer not null references sentences (id) on delete cascade,
  kind text not null check (kind in ('image', 'video', 'audio')),
  path text not null check (path <> '' and path !~ '(^/|\.\.)'),
  -- What it was made from: the image prompt, the video prompt, or the narration text.
  prompt text not null default '',
  -- Generation seed (at most 2^53 - 1 so JavaScript reads it exactly); null for uploads.
  seed bigint check (seed between 0 and 9007199254740991),
  -- A video's source image take (a newer image makes that video out of date).
  source_take_id bigint references takes (id) on delete set null,
  -- The project's aspect ratio and clip length when it was made (a change makes it out of date).
  aspect_ratio text check (aspect_ratio in ('16:9', '9:16')),
  clip_seconds real,
  duration_ms integer check (duration_ms >= 0),
  width integer check (width > 0),
  height integer check (height > 0),
  -- A small preview (JPEG) made when the take was stored, relative to the media folder.
  thumb_path text check (thumb_path <> '' and thumb_path !~ '(^/|\.\.)'),
  -- Narration: word timings [{text, startMs, endMs}] when the backend or a transcription gave them.
  words jsonb,
  provider text,
  -- How long the generation took, for time-left estimates of later runs.
  elapsed_ms integer check (elapsed_ms >= 0),
  created_at timestamptz not null default now()
);
create index takes_part on takes (sentence_id, kind, id desc);

create table scene_parts (
  sentence_id integer not null references sentences (id) on delete cascade,
  kind text not null check (kind in ('image', 'video', 'audio')),
  status text not null default 'idle'
    check (status in ('idle', 'queued', 'running', 'done', 'failed', 'cancelled')),
  -- The run the part was last queued by; queued and running parts always belong to a run.
  run_id integer references scene_runs (id) on delete set null,
  attempts integer not null default 0 check (attempts >= 0),
  error text,
  -- The take the card shows; a done part always has one (a failed regeneration keeps the old one).
  take_id bigint references takes (id) on delete set null,
  -- While queued or running: 'held' (waiting for the run's images to finish first), 'waiting'
  -- (behind other work on the GPU server) or 'retrying' (an attempt failed; retry_at says when).
  phase text check (phase in ('held', 'waiting', 'retrying')),
  retry_at timestamptz,
  -- For an image: queue the scene's video when this image is done (Generate All does; "regenerate
  -- the image only" does not).
  chain boolean not null default false,
  updated_at timestamptz not null default now(),
  primary key (sentence_id, kind),
  constraint scene_parts_live_has_run check (status not in ('queued', 'running') or run_id is not null),
  constraint scene_parts_phase_when_live check (phase is null or status in ('queued', 'running'))
  -- and scene_parts_done_has_take, added once the existing data is in (below).
);
-- Parts in flight, per run: progress counts, cancel, reconciliation. (The job of a queued or
-- running part is the graphile-worker job keyed '<kind>:<sentence_id>'; graphile-worker's unique
-- job key holds "one job per part", core/engine/jobs.ts names it.)
create index scene_parts_live on scene_parts (run_id) where status in ('queued', 'running');
create index scene_parts_run on scene_parts (run_id) where run_id is not null;
create index scene_parts_take on scene_parts (take_id) where take_id is not null;

-- Every sentence has its three parts from the moment it exists, whichever code inserts it.
create function studio_add_scene_parts() returns trigger
language plpgsql as $$
begin
  insert into scene_parts (sentence_id, kind)
  select n.id, k.kind from new_sentences n cross join (values ('image'), ('video'), ('audio')) as k(kind);
  return null;
end;
$$;
create trigger studio_add_scene_parts
after insert on sentences referencing new table as new_sentences
for each statement execute function studio_add_scene_parts();

-- Move the existing state over: parts, and a take for each stored file.
insert into scene_parts (sentence_id, kind, status, run_id, attempts, error, updated_at)
select s.id, 'image', s.image_status, s.image_run_id, s.image_attempts, s.image_error, s.image_updated_at
from sentences s
union all
select s.id, 'video', s.video_status, s.video_run_id, s.video_attempts, s.video_error, s.video_updated_at
from sentences s
union all
select s.id, 'audio', 'idle', null, 0, null, s.updated_at
from sentences s;

with image_takes as (
  insert into takes (sentence_id, kind, path, prompt, aspect_ratio, created_at)
  select s.id, 'image', s.image_path, s.image_prompt, p.aspect_ratio, s.image_updated_at
  from sentences s join projects p on p.id = s.project_id
  where s.image_path is not null
  returning id, sentence_id
)
update scene_parts sp set take_id = t.id from image_takes t where sp.sentence_id = t.sentence_id and sp.kind = 'image';

with video_takes as (
  insert into takes (sentence_id, kind, path, prompt, source_take_id, aspect_ratio, clip_seconds, created_at)
  select s.id, 'video', s.video_path, s.video_prompt, img.take_id, p.aspect_ratio, 4, s.video_updated_at
  from sentences s
  join projects p on p.id = s.project_id
  left join scene_parts img on img.sentence_id = s.id and img.kind = 'image'
  where s.video_path is not null
  returning id, sentence_id
)
update scene_parts sp set take_id = t.id from video_takes t where sp.sentence_id = t.sentence_id and sp.kind = 'video';

alter table scene_parts add constraint scene_parts_done_has_take check (status <> 'done' or take_id is not null);

alter table sentences
  drop column audio_status, drop column audio_url,
  drop column image_status, drop column image_path, drop column image_error, drop column image_attempts,
  drop column image_run_id, drop column image_updated_at,
  drop column video_status, drop column video_path, drop column video_error, drop column video_attempts,
  drop column video_run_id, drop column video_updated_at;

-- Scenes are read in project order everywhere.
create index sentences_order on sentences (project_id, section_id, position);

-- Project settings the parts are made for. Existing projects keep the 4 s clips they were made
-- with; new projects default to 5 s.
alter table projects add column clip_seconds real not null default 4 check (clip_seconds between 1 and 20);
alter table projects alter column clip_seconds set default 5;

-- Event types are named `<thing>.<what happened>`; the list lives in core/types.ts.
alter table events drop constraint events_type_check;
alter table events add constraint events_type_check check (type ~ '^[a-z]+(\.[a-z_]+)+$');

-- The state of every part as the API, the pages, the live events and admins see it: the part, its
-- current take, how many takes are kept, and whether the take is out of date — made from a prompt
-- (or narration text) that has changed since, for another aspect ratio, a video from an image that
-- is no longer the scene's current one, or a clip length that changed (when there is no narration,
-- the clip length is the project's).
create view part_states as
select p.sentence_id, p.kind, s.project_id, p.status, p.run_id, p.attempts, p.error, p.phase, p.retry_at,
  p.chain, p.updated_at, p.take_id,
  t.path, t.thumb_path, t.prompt as take_prompt, t.seed, t.duration_ms, t.created_at as take_created_at,
  (select count(*) from takes k where k.sentence_id = p.sentence_id and k.kind = p.kind)::int as take_count,
  coalesce(case p.kind
    when 'image' then t.prompt is distinct from s.image_prompt or t.aspect_ratio is distinct from pr.aspect_ratio
    when 'video' then (btrim(s.video_prompt) <> '' and t.prompt is distinct from s.video_prompt)
      or t.aspect_ratio is distinct from pr.aspect_ratio
      or t.source_take_id is distinct from (
        select i.take_id from scene_parts i where i.sentence_id = p.sentence_id and i.kind = 'image')
      or (t.clip_seconds is distinct from pr.clip_seconds and not exists (
        select 1 from scene_parts a where a.sentence_id = p.sentence_id and a.kind = 'audio' and a.take_id is not null))
    when 'audio' then t.prompt is distinct from s.text
  end, false) and t.id is not null as outdated
from scene_parts p
join sentences s on s.id = p.sentence_id
join projects pr on pr.id = s.project_id
left join takes t on t.id = p.take_id;

-- Each scene in one row, its three parts side by side: what an admin (or a test) reads to see a
-- project's state at a glance. Read-only; changes go through the app (or scene_parts).
create view scene_states as
select s.id, s.project_id, s.section_id, s.position, s.text, s.image_prompt, s.video_prompt,
  i.status as image_status, i.path as image_path, i.error as image_error, i.attempts as image_attempts,
  i.run_id as image_run_id, i.updated_at as image_updated_at, i.outdated as image_outdated,
  v.status as video_status, v.path as video_path, v.error as video_error, v.attempts as video_attempts,
  v.run_id as video_run_id, v.updated_at as video_updated_at, v.outdated as video_outdated,
  a.status as audio_status, a.path as audio_path, a.error as audio_error, a.attempts as audio_attempts,
  a.run_id as audio_run_id, a.updated_at as audio_updated_at, a.outdated as audio_outdated
from sentences s
join part_states i on i.sentence_id = s.id and i.kind = 'image'
join part_states v on v.sentence_id = s.id and v.kind = 'video'
join part_states a on a.sentence_id = s.id and a.kind = 'audio';
