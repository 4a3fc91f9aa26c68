-- A scene part's run (scene_parts.run_id) is checked once per statement instead of once per row.
-- Generate All on a big project gives 20,000 parts their run in one UPDATE; the foreign key to
-- scene_runs checked (and key-share locked) that same run once per row: 20,000 lookups, a third of
-- the statement's time. The rule is the same as the foreign key's, kept by triggers:
--
-- * a statement that sets run_id checks every distinct run it names exists, and locks it (key
--   share, as a foreign key check does) so it cannot be deleted before the transaction ends;
-- * a part inserted with a run (the app never does; the parts of a new sentence have none) is
--   checked the same way, row by row;
-- * deleting runs (pruning ended runs, deleting a project) sets their parts' run_id to null, as
--   the foreign key's ON DELETE SET NULL did.
--
-- The UPDATE trigger fires only for statements that set run_id (core/engine/parts.ts sets it only
-- when queueing parts for a run), so a part's other state changes pay nothing for it.

alter table scene_parts drop constraint scene_parts_run_id_fkey;

create function studio_check_part_runs() returns trigger
language plpgsql as $$
declare
  missing integer;
begin
  if tg_level = 'ROW' then
    select new.run_id into missing
    where not exists (select 1 from scene_runs r where r.id = new.run_id for key share);
  else
    select n.run_id into missing
    from (select distinct p.run_id from studio_new_parts p where p.run_id is not null) n
    where not exists (select 1 from scene_runs r where r.id = n.run_id for key share)
    limit 1;
  end if;
  if missing is not null then
    raise exception 'insert or update on table "scene_parts" violates foreign key constraint "scene_parts_run_id_fkey"'
      using errcode = 'foreign_key_violation', table = 'scene_parts', constraint = 'scene_parts_run_id_fkey',
        detail = format('Key (run_id)=(%s) is not present in table "scene_runs".', missing);
  end if;
  return null;
end;
$$;

create trigger studio_check_part_runs
after update on scene_parts referencing new table as studio_new_parts
for each statement execute function studio_check_part_runs();

create trigger studio_check_part_run_on_insert
after insert on scene_parts
for each row when (new.run_id is not null) execute function studio_check_part_runs();

create function studio_unlink_deleted_runs() returns trigger
language plpgsql as $$
begin
  update scene_parts p set run_id = null
  where p.run_id in (select o.id from studio_old_runs o);
  return null;
end;
$$;

create trigger studio_unlink_deleted_runs
after delete on scene_runs referencing old table as studio_old_runs
for each statement execute function studio_unlink_deleted_runs();
