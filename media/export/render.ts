/**
 * Renders an export plan (./plan.ts) to one MP4 — H.264 at the project's size and fps, AAC
 * narration, +faststart — with the sidecar captions (.srt and .vtt) next to it.
 *
 * How: scenes are rendered in chunks of up to {@link DEFAULT_CHUNK_SCENES} by one ffmpeg run each
 * (./chunk_command.ts: an H.264 video and an exact-length PCM audio per chunk), then one last run
 * joins the chunks — the video copied, the audio encoded once as AAC, so there are no gaps or clicks
 * at the joins. Measured on the demo (24 scenes of ~3.5 s at 1280×720, 2 cores): one run for all 24
 * scenes cost 26–29 s of CPU, two runs of 12 about 32 s, a run per scene about 38 s — so a run takes
 * as many scenes as it can — but one run's memory grows with its inputs (about 450 MB for 24 scenes
 * at 720p), so a run takes at most 24 and longer projects are joined from several.
 *
 * Everything is written in a temporary folder and under a temporary name, then renamed; aborting
 * kills the running ffmpeg and removes everything partial. Progress is reported from ffmpeg's own
 * `-progress` output, as frames done over all frames.
 */
import { basename, dirname, extname, join } from "node:path";
import { fontPath, runFfmpeg } from "../../providers/ffmpeg.ts";
import { mp4FileOutput } from "../ffmpeg_args.ts";
import { chunkCommand } from "./chunk_command.ts";
import type { ExportPlan } from "./plan.ts";

/** Most scenes one ffmpeg run renders (bounds its memory: about 450 MB at 1280×720). */
export const DEFAULT_CHUNK_SCENES = 24;

/** Options of {@link renderExport}. */
export interface RenderOptions {
  signal?: AbortSignal;
  /** Fraction 0..1 of the whole render. */
  onProgress?: (fraction: number) => void;
  /** Scenes per ffmpeg run (default {@link DEFAULT_CHUNK_SCENES}); smaller chunks cost more CPU. */
  chunkScenes?: number;
}

/** What was written. */
export interface RenderedExport {
  path: string;
  /** The sidecar captions, when the plan asks for them. */
  srtPath?: string;
  vttPath?: string;
  durationMs: number;
  frames: number;
}

/**
 * Renders `plan` to `outPath` (an .mp4), and `<name>.srt` / `<name>.vtt` beside it when the plan
 * wants sidecar captions.
 *
 * @example
 * const result = planExport(scenes, options);
 * if (result.ok) await renderExport(result.plan, "/data/media/exports/p1.mp4", { signal, onProgress });
 */
export async function renderExport(
  plan: ExportPlan,
  outPath: string,
  options: RenderOptions = {},
): Promise<RenderedExport> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const font = fontPath();
  const size = Math.max(1, options.chunkScenes ?? DEFAULT_CHUNK_SCENES);
  const chunks = [];
  for (let i = 0; i < plan.scenes.length; i += size) chunks.push(plan.scenes.slice(i, i + size));
  const work = await Deno.makeTempDir({ prefix: "studio-export-" });
  const part = join(dirname(outPath), `.${basename(outPath)}.${crypto.randomUUID().slice(0, 8)}.part`);
  const report = (fraction: number) => {
    try {
      onProgress?.(Math.min(1, Math.max(0, fraction)));
    } catch {
      // A failing progress callback must not break the render.
    }
  };
  // Chunks are ~97 % of the work; joining them (a copy and an AAC encode) the rest.
  const chunkShare = 0.97;
  const timeoutMs = 120_000 + plan.durationMs * 5;
  try {
    report(0);
    const videoList: string[] = [];
    const audioList: string[] = [];
    let framesDone = 0;
    for (const [index, scenes] of chunks.entries()) {
      const textDir = join(work, `text-${index}`);
      await Deno.mkdir(textDir);
      const paths = {
        graphPath: join(work, `chunk-${index}.graph`),
        videoPath: join(work, `chunk-${index}.mp4`),
        audioPath: join(work, `chunk-${index}.wav`),
        textDir,
        fontPath: font,
      };
      const command = chunkCommand(plan, scenes, paths);
      await Deno.writeTextFile(paths.graphPath, command.graph);
      for (const file of command.textFiles) await Deno.writeTextFile(file.path, file.content);
      const before = framesDone;
      await runFfmpeg(command.args, {
        signal,
        timeoutMs,
        task: `render scenes ${scenes[0].number}–${scenes[scenes.length - 1].number} of the export`,
        onProgress: (p) => report(((before + Math.min(p.frame, command.frames)) / plan.totalFrames) * chunkShare),
      });
      framesDone += command.frames;
      report((framesDone / plan.totalFrames) * chunkShare);
      videoList.push(paths.videoPath);
      audioList.push(paths.audioPath);
    }
    const videoListPath = join(work, "video.txt");
    const audioListPath = join(work, "audio.txt");
    await Deno.writeTextFile(videoListPath, concatList(videoList));
    await Deno.writeTextFile(audioListPath, concatList(audioList));
    await runFfmpeg([
      "-loglevel",
      "error",
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      `file:${videoListPath}`,
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      `file:${audioListPath}`,
      "-map",
      "0:v:0",
      "-map",
      "1:a:0",
      "-c:v",
      "copy",
      "-c:a",
      "aac",
      "-b:a",
      "128k",
      "-ar",
      "48000",
      ...mp4FileOutput(part),
    ], {
      signal,
      timeoutMs,
      task: "join the export's scenes",
      onProgress: (p) => report(chunkShare + (1 - chunkShare) * Math.min(1, (p.outSeconds * 1000) / plan.durationMs)),
    });
    const sidecars = plan.captions.sidecar ? await writeSidecars(plan, outPath) : {};
    await Deno.rename(part, outPath);
    report(1);
    return { path: outPath, ...sidecars, durationMs: plan.durationMs, frames: plan.totalFrames };
  } finally {
    await Deno.remove(part).catch(() => {});
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Writes `<name>.srt` and `<name>.vtt` next to `outPath` (temporary names, then renamed). */
async function writeSidecars(plan: ExportPlan, outPath: string): Promise<{ srtPath: string; vttPath: string }> {
  const stem = join(dirname(outPath), basename(outPath, extname(outPath)));
  const srtPath = `${stem}.srt`;
  const vttPath = `${stem}.vtt`;
  for (const [path, text] of [[srtPath, plan.srt], [vttPath, plan.vtt]]) {
    const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.part`;
    try {
      await Deno.writeTextFile(temp, text);
      await Deno.rename(temp, path);
    } finally {
      await Deno.remove(temp).catch(() => {});
    }
  }
  return { srtPath, vttPath };
}

/** An ffmpeg concat-demuxer list; paths quoted as the demuxer wants (' → '\''). */
function concatList(paths: string[]): string {
  return paths.map((p) => `file '${p.replaceAll("'", "'\\''")}'\n`).join("");
}
