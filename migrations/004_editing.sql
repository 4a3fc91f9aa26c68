-- Editing the script after import: sentences and sections are inserted, moved, split and merged,
-- which shifts positions. A shift (`position = position + 1`) passes through states where two rows
-- share a position, so the order constraints are checked at commit instead of per row.
alter table sections drop constraint sections_project_id_position_key;
alter table sections add constraint sections_position_unique unique (project_id, position) deferrable initially deferred;
alter table sentences drop constraint sentences_section_id_position_key;
alter table sentences add constraint sentences_position_unique unique (section_id, position) deferrable initially deferred;

-- Who wrote each prompt: the prompt writer never overwrites a creator's own words.
-- image: 'script' (the sentence itself, as imported), 'writer' (the prompt writer), 'creator';
-- video: 'none' (empty: written when the video is made), 'writer', 'creator'.
alter table sentences
  add column image_prompt_source text not null default 'script'
    check (image_prompt_source in ('script', 'writer', 'creator')),
  add column video_prompt_source text not null default 'none'
    check (video_prompt_source in ('none', 'writer', 'creator'));
-- Existing prompts cannot tell who wrote them: any that differ from the default count as the
-- creator's, so nothing a creator typed is ever overwritten.
update sentences set video_prompt_source = 'creator' where btrim(video_prompt) <> '';
update sentences set image_prompt_source = 'creator' where image_prompt <> left(text, 2000);
