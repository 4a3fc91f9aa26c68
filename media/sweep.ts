/**
 * The media sweep: deletes generated files that nothing refers to any more. A generation writes its
 * file before the transaction that records its take commits; a crash (SIGKILL, power loss) between
 * the two leaves a file no take names, and a deleted scene or project leaves its folder behind if
 * removing it failed. The sweep runs at worker start-up and hourly.
 *
 * Only what the engine writes is swept: files under `projects/<id>/sentences/<id>/`, and the folders
 * of projects and scenes that no longer exist. A file younger than `graceMs` is left alone — it may
 * belong to a generation that is about to commit (the default grace, an hour, is longer than any
 * part may run: COMFYUI_TIMEOUT_S is 30 minutes).
 */
import { join } from "node:path";
import type { Sql } from "../core/db/client.ts";
import { mediaRoot } from "./store.ts";

/** What one sweep did. */
export interface SweepReport {
  /** Files deleted because no take refers to them. */
  files: number;
  /** Folders of scenes or projects that no longer exist, deleted with their contents. */
  folders: number;
}

/** Deletes unreferenced media older than `graceMs`; see the module documentation. */
export async function sweepMedia(
  sql: Sql,
  dataDir: string,
  options: { graceMs?: number; now?: number } = {},
): Promise<SweepReport> {
  const grace = options.graceMs ?? 60 * 60_000;
  const cutoff = (options.now ?? Date.now()) - grace;
  const report: SweepReport = { files: 0, folders: 0 };
  const projectsDir = join(mediaRoot(dataDir), "projects");
  for (const project of await subfolders(projectsDir)) {
    const projectId = Number(project);
    const projectDir = join(projectsDir, project);
    const [exists] = Number.isSafeInteger(projectId)
      ? await sql`select 1 from projects where id = ${projectId}`
      : [undefined];
    if (!exists) {
      if (await olderThan(projectDir, cutoff)) {
        await Deno.remove(projectDir, { recursive: true }).catch(() => {});
        report.folders++;
      }
      continue;
    }
    const sentencesDir = join(projectDir, "sentences");
    const folders = await subfolders(sentencesDir);
    const ids = folders.map(Number).filter(Number.isSafeInteger);
    const rows = await sql<{ id: number; paths: string[] }[]>`
      select s.id, coalesce(array_agg(p.path) filter (where p.path is not null), '{}') as paths
      from sentences s
      left join lateral (
        select t.path from takes t where t.sentence_id = s.id
        union all
        select t.thumb_path from takes t where t.sentence_id = s.id and t.thumb_path is not null
      ) p on true
      where s.id = any(${ids}::int[]) and s.project_id = ${projectId}
      group by s.id`;
    const known = new Map(rows.map((r) => [r.id, new Set(r.paths)]));
    for (const folder of folders) {
      const dir = join(sentencesDir, folder);
      const referenced = known.get(Number(folder));
      if (!referenced) {
        if (await olderThan(dir, cutoff)) {
          await Deno.remove(dir, { recursive: true }).catch(() => {});
          report.folders++;
        }
        continue;
      }
      for await (const entry of Deno.readDir(dir)) {
        if (!entry.isFile) continue;
        const relative = ["projects", project, "sentences", folder, entry.name].join("/");
        if (referenced.has(relative)) continue;
        const path = join(dir, entry.name);
        if (!(await olderThan(path, cutoff))) continue;
        // Re-checked right before deleting: a take may have been stored since the list was read.
        const [now] = await sql`select 1 from takes where path = ${relative} or thumb_path = ${relative}`;
        if (now) continue;
        await Deno.remove(path).catch(() => {});
        report.files++;
      }
    }
  }
  return report;
}

async function subfolders(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isDirectory) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names;
}

/** Whether `path` was last modified before `cutoff` (ms since epoch). */
async function olderThan(path: string, cutoff: number): Promise<boolean> {
  const info = await Deno.stat(path).catch(() => null);
  return info !== null && (info.mtime?.getTime() ?? 0) < cutoff;
}
