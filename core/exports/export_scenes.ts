/**
 * What an export shows: a project's scenes in order with the current takes of their parts (clip,
 * still, narration with its word timings), read from the database as media/export/plan.ts wants
 * them, and the plan options for the project (its size, 24 fps, its clip length for scenes without
 * narration or clip).
 */
import type { Sql, Tx } from "../db/client.ts";
import type { ExportOptions, ExportScene } from "../../media/export/plan.ts";
import { frameSize, VIDEO_FPS } from "../../media/frame_size.ts";
import { probeMedia } from "../../media/probe.ts";
import { mediaPath } from "../../media/store.ts";
import type { WordTiming } from "../../providers/audio/types.ts";
import type { AspectRatio, ExportView } from "../types.ts";

interface SceneRow {
  text: string;
  video_path: string | null;
  video_ms: number | null;
  video_clip_seconds: number | null;
  image_path: string | null;
  audio_path: string | null;
  audio_ms: number | null;
  words: WordTiming[] | null;
}

/**
 * The project's scenes for the export, in reading order, with absolute media paths under `dataDir`
 * (or, without `dataDir`, the stored relative paths: enough to tell what is missing). A clip
 * stored without its length is measured.
 */
export async function loadExportScenes(sql: Sql | Tx, projectId: number, dataDir?: string): Promise<ExportScene[]> {
  const rows = await sql<SceneRow[]>`
    select s.text,
      vt.path as video_path, vt.duration_ms as video_ms, vt.clip_seconds as video_clip_seconds,
      it.path as image_path,
      at.path as audio_path, at.duration_ms as audio_ms, at.words
    from sentences s
    join sections sec on sec.id = s.section_id
    join scene_parts v on v.sentence_id = s.id and v.kind = 'video' left join takes vt on vt.id = v.take_id
    join scene_parts i on i.sentence_id = s.id and i.kind = 'image' left join takes it on it.id = i.take_id
    join scene_parts a on a.sentence_id = s.id and a.kind = 'audio' left join takes at on at.id = a.take_id
    where s.project_id = ${projectId}
    order by sec.position, s.position`;
  const path = (p: string) => (dataDir ? mediaPath(dataDir, p) : p);
  const scenes: ExportScene[] = [];
  for (const [i, r] of rows.entries()) {
    const scene: ExportScene = { number: i + 1, text: r.text };
    if (r.video_path) {
      const durationMs = r.video_ms ?? (dataDir ? (await probeMedia(path(r.video_path))).durationMs : null) ??
        (r.video_clip_seconds ?? 0) * 1000;
      scene.clip = { path: path(r.video_path), durationMs };
    }
    if (r.image_path) scene.still = { path: path(r.image_path) };
    if (r.audio_path && r.audio_ms) {
      scene.audio = { path: path(r.audio_path), durationMs: r.audio_ms, words: r.words ?? undefined };
    }
    scenes.push(scene);
  }
  return scenes;
}

/** The plan options of an export of a project: its size at 24 fps, its clip length, the creator's choices. */
export function exportPlanOptions(
  project: { aspectRatio: AspectRatio; clipSeconds: number },
  options: ExportView["options"],
): ExportOptions {
  return {
    fps: VIDEO_FPS,
    ...frameSize(project.aspectRatio),
    defaultSceneMs: Math.round(project.clipSeconds * 1000),
    placeholders: options.placeholders,
    captions: { burnIn: options.captions.burnIn, sidecar: true },
  };
}
