/**
 * The project list (the home page and GET /api/v1/projects): every project with its counts, a
 * thumbnail and its last run, in one query however many projects there are.
 */
import type { Sql } from "../db/client.ts";
import { mediaUrl } from "../../media/store.ts";
import type { ProjectListEntry, RunStatus } from "../types.ts";
import { type ProjectRow, toSummary } from "./projects.ts";

interface ListRow extends ProjectRow {
  scenes_done: number;
  scenes_failed: number;
  thumb_path: string | null;
  run_id: number | null;
  run_status: RunStatus | null;
  run_started_at: Date | null;
  run_finished_at: Date | null;
  total_scenes: number | null;
  finished_scenes: number | null;
  failed_scenes: number | null;
  cancelled_scenes: number | null;
}

/**
 * All projects, newest first, each with its scene counts (done = image and clip done, failed = a
 * failed part), the first scene's image as a thumbnail, and its active or latest run.
 *
 * One statement: the scene counts are one pass over the project's parts, the thumbnail takes the
 * first scene in script order that has an image take (a failed regeneration keeps the earlier
 * take, which still shows the scene), and the run is the one `currentRun` would return — the
 * active run first, else the newest — with the counts scene_runs keeps up to date.
 */
export async function listProjects(sql: Sql): Promise<ProjectListEntry[]> {
  const rows = await sql<ListRow[]>`
    select p.id, p.title, p.aspect_ratio, p.clip_seconds, p.created_at, p.updated_at,
      (select count(*)::int from sections sec where sec.project_id = p.id) as section_count,
      coalesce(c.sentence_count, 0) as sentence_count,
      coalesce(c.scenes_done, 0) as scenes_done,
      coalesce(c.scenes_failed, 0) as scenes_failed,
      thumb.path as thumb_path,
      r.id as run_id, r.status as run_status, r.started_at as run_started_at, r.finished_at as run_finished_at,
      r.total_scenes, r.finished_scenes, r.failed_scenes, r.cancelled_scenes
    from projects p
    left join lateral (
      select count(*)::int as sentence_count,
        count(*) filter (where scene.done = 2)::int as scenes_done,
        count(*) filter (where scene.failed)::int as scenes_failed
      from (
        select count(*) filter (where sp.kind in ('image', 'video') and sp.status = 'done') as done,
          bool_or(sp.status = 'failed') as failed
        from sentences s join scene_parts sp on sp.sentence_id = s.id
        where s.project_id = p.id
        group by s.id
      ) scene
    ) c on true
    left join lateral (
      select coalesce(t.thumb_path, t.path) as path
      from sentences s
      join sections sec on sec.id = s.section_id
      join scene_parts sp on sp.sentence_id = s.id and sp.kind = 'image'
      join takes t on t.id = sp.take_id
      where s.project_id = p.id
      order by sec.position, s.position
      limit 1
    ) thumb on true
    left join lateral (
      select * from scene_runs r where r.project_id = p.id
      order by (r.status = 'active') desc, r.id desc
      limit 1
    ) r on true
    order by p.id desc`;
  return rows.map(toEntry);
}

function toEntry(row: ListRow): ProjectListEntry {
  return {
    ...toSummary(row),
    thumbUrl: mediaUrl(row.thumb_path),
    scenesDone: row.scenes_done,
    scenesFailed: row.scenes_failed,
    lastRun: row.run_id === null ? null : {
      id: row.run_id,
      status: row.run_status!,
      startedAt: row.run_started_at!.toISOString(),
      finishedAt: row.run_finished_at?.toISOString() ?? null,
      totalScenes: row.total_scenes!,
      finishedScenes: row.finished_scenes!,
      failedScenes: row.failed_scenes!,
      cancelledScenes: row.cancelled_scenes!,
    },
  };
}
