-- One index on a part's run instead of two. scene_parts_run (run_id, every part that has a run) and
-- scene_parts_live (run_id, the parts queued or running) were both written by every change of a
-- live part's status or run, as neither update can be HOT (run_id and status are indexed): queueing
-- 20,000 scenes for Generate All wrote 40,000 entries into them, besides the primary key's 20,000.
-- One index on (run_id, status) serves both: all of a run's parts (summaries, the admin views),
-- and its parts in flight (status is in the key). Parts in flight across runs (recovery's search
-- for stranded parts, core/engine/recovery.ts) are looked up run by run.
drop index scene_parts_live;
drop index scene_parts_run;
create index scene_parts_run on scene_parts (run_id, status) where run_id is not null;
