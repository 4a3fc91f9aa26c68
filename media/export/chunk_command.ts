/**
 * The ffmpeg command for one chunk of consecutive planned scenes (pure): its inputs, a filter graph
 * that turns every scene into exactly its frames (clip trimmed/slowed/held, still panned, or a
 * titled card) and exactly its audio samples (narration padded with silence, or silence), captions
 * drawn on top when burned in, and two outputs: the chunk's H.264 video (no audio) and its audio as
 * 48 kHz PCM WAV. Concatenating chunks (./render.ts) is then exact to the frame and the sample.
 *
 * Text reaches ffmpeg only through files (`textfile`, expansion off), so no caption or title can
 * break the graph.
 */
import { filterOptions as opts } from "../../providers/ffmpeg.ts";
import { h264VideoArgs } from "../ffmpeg_args.ts";
import type { Cue } from "./captions.ts";
import type { ExportPlan, PlannedScene } from "./plan.ts";

/** Sample rate of the export's audio. */
export const EXPORT_SAMPLE_RATE = 48_000;

/** x264 settings shared by every chunk, so chunks join without re-encoding. */
export const VIDEO_ENCODE_ARGS: readonly string[] = [
  ...h264VideoArgs({ preset: "veryfast", crf: 21 }),
  "-profile:v",
  "high",
];

/** A text file the command reads (a caption line or a card title). */
export interface TextFile {
  path: string;
  content: string;
}

/** Everything needed to run one chunk. */
export interface ChunkCommand {
  /** ffmpeg arguments (after -hide_banner/-nostdin), referencing `graphPath` and the outputs. */
  args: string[];
  /** The filter graph, to be written to `graphPath` (-filter_complex_script). */
  graph: string;
  textFiles: TextFile[];
  /** Frames the chunk's video has. */
  frames: number;
}

/** Where the chunk's files go. */
export interface ChunkPaths {
  graphPath: string;
  videoPath: string;
  audioPath: string;
  /** Folder for text files. */
  textDir: string;
  fontPath: string;
}

/**
 * Builds the command for `scenes` (consecutive scenes of `plan`).
 *
 * @example
 * const command = chunkCommand(plan, plan.scenes.slice(0, 8), paths);
 * await Deno.writeTextFile(paths.graphPath, command.graph);
 * await runFfmpeg(command.args, { signal });
 */
export function chunkCommand(plan: ExportPlan, scenes: PlannedScene[], paths: ChunkPaths): ChunkCommand {
  const { fps, width, height } = plan;
  const inputs: string[] = [];
  const filters: string[] = [];
  const textFiles: TextFile[] = [];
  const textFile = (content: string) => {
    const path = `${paths.textDir}/t${textFiles.length}.txt`;
    textFiles.push({ path, content });
    return path;
  };
  let inputCount = 0;
  const addInput = (...args: string[]) => {
    inputs.push(...args);
    return inputCount++;
  };
  const chunkStartMs = scenes[0].startMs;
  const sampleAt = (frame: number) => Math.round((frame * EXPORT_SAMPLE_RATE) / fps);
  const fontSize = captionFontSize(width, height);

  scenes.forEach((scene, i) => {
    const n = scene.frames;
    const visual = scene.visual;
    const exact = `trim=end_frame=${n},setpts=PTS-STARTPTS`;
    if (visual.kind === "clip") {
      // One decoding thread per clip: decoding is cheap next to encoding, and threads per input
      // multiply memory by the number of scenes.
      const input = addInput("-threads", "1", "-i", `file:${visual.path}`);
      filters.push(
        `[${input}:v]setpts=(PTS-STARTPTS)*${visual.slowdown},fps=${fps},${
          cover(width, height)
        },setsar=1,format=yuv420p,` +
          `tpad=stop_mode=clone:stop=${n},${exact}[v${i}]`,
      );
    } else if (visual.kind === "still") {
      const input = addInput("-i", `file:${visual.path}`);
      const p = `(on/${Math.max(1, n - 1)})`;
      filters.push(
        `[${input}:v]${cover(width * 2, height * 2)},` +
          `zoompan=${
            opts({
              z: `1+0.08*${p}`,
              x: `(iw-iw/zoom)*(0.35+0.3*${p})`,
              y: "(ih-ih/zoom)/2",
              d: n,
              s: `${width}x${height}`,
              fps,
            })
          },setsar=1,format=yuv420p,${exact}[v${i}]`,
      );
    } else {
      const titleSize = Math.max(10, Math.round(height / 12));
      filters.push(
        `color=${opts({ c: "0x1f2933", s: `${width}x${height}`, r: fps })},format=yuv420p,` +
          `drawtext=${
            opts({
              fontfile: paths.fontPath,
              textfile: textFile(visual.title),
              expansion: "none",
              fontsize: titleSize,
              fontcolor: "white",
              x: "(w-text_w)/2",
              y: `h/2-${titleSize * 2}`,
            })
          },` +
          `drawtext=${
            opts({
              fontfile: paths.fontPath,
              textfile: textFile(wrap(visual.text, Math.max(12, Math.floor((width * 0.85) / (fontSize * 0.55))), 3)),
              expansion: "none",
              fontsize: fontSize,
              fontcolor: "white@0.85",
              line_spacing: Math.round(fontSize * 0.3),
              x: "(w-text_w)/2",
              y: "h/2",
            })
          },setsar=1,${exact}[v${i}]`,
      );
    }
    const samples = sampleAt(scene.startFrame + n) - sampleAt(scene.startFrame);
    if (scene.audio) {
      const input = addInput("-i", `file:${scene.audio.path}`);
      filters.push(
        `[${input}:a]aresample=${EXPORT_SAMPLE_RATE},aformat=sample_fmts=s16:channel_layouts=mono,apad,` +
          `atrim=end_sample=${samples},asetpts=PTS-STARTPTS[a${i}]`,
      );
    } else {
      filters.push(
        `anullsrc=r=${EXPORT_SAMPLE_RATE}:cl=mono,aformat=sample_fmts=s16,atrim=end_sample=${samples},asetpts=PTS-STARTPTS[a${i}]`,
      );
    }
  });

  const joined = scenes.map((_, i) => `[v${i}][a${i}]`).join("");
  filters.push(`${joined}concat=n=${scenes.length}:v=1:a=1[vc][ac]`);
  const chunkEndMs = scenes[scenes.length - 1].startMs + scenes[scenes.length - 1].durationMs;
  const cues = plan.captions.burnIn ? plan.cues.filter((c) => c.endMs > chunkStartMs && c.startMs < chunkEndMs) : [];
  filters.push(
    cues.length > 0
      ? `[vc]${
        cues.map((cue) => captionFilters(cue, chunkStartMs, height, fontSize, paths.fontPath, textFile)).join(",")
      }[vout]`
      : `[vc]null[vout]`,
  );
  const frames = scenes.reduce((sum, s) => sum + s.frames, 0);
  const args = [
    "-loglevel",
    "error",
    ...inputs,
    "-filter_complex_script",
    `file:${paths.graphPath}`,
    "-map",
    "[vout]",
    ...VIDEO_ENCODE_ARGS,
    "-r",
    String(fps),
    "-frames:v",
    String(frames),
    "-an",
    "-f",
    "mp4",
    "-y",
    `file:${paths.videoPath}`,
    "-map",
    "[ac]",
    "-c:a",
    "pcm_s16le",
    "-f",
    "wav",
    "-y",
    `file:${paths.audioPath}`,
  ];
  return { args, graph: filters.join(";\n"), textFiles, frames };
}

/** Caption font size: a twentieth of the height, small enough for 42 characters across. */
export function captionFontSize(width: number, height: number): number {
  return Math.max(8, Math.round(Math.min(height * 0.05, (width * 0.9) / (42 * 0.55))));
}

/** drawtext filters showing `cue` (one per line, bottom-centred on a dark box) during its time. */
function captionFilters(
  cue: Cue,
  chunkStartMs: number,
  height: number,
  fontSize: number,
  fontPath: string,
  textFile: (content: string) => string,
): string {
  const lines = cue.text.split("\n");
  const from = Math.max(0, (cue.startMs - chunkStartMs) / 1000).toFixed(3);
  const to = ((cue.endMs - chunkStartMs) / 1000).toFixed(3);
  const lineHeight = Math.round(fontSize * 1.35);
  const bottom = Math.round(height * 0.06);
  return lines.map((line, i) =>
    `drawtext=${
      opts({
        fontfile: fontPath,
        textfile: textFile(line),
        expansion: "none",
        fontsize: fontSize,
        fontcolor: "white",
        box: 1,
        boxcolor: "black@0.55",
        boxborderw: Math.max(2, Math.round(fontSize / 5)),
        x: "(w-text_w)/2",
        y: `h-${bottom + (lines.length - i) * lineHeight}`,
        enable: `gte(t,${from})*lt(t,${to})`,
      })
    }`
  ).join(",");
}

/** Scale to cover `width`×`height`, then crop the middle (no bars, whatever the source's shape). */
function cover(width: number, height: number): string {
  return `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`;
}

/** Wraps `text` at spaces into at most `maxLines` lines of `maxChars`, ending with "…" when cut. */
export function wrap(text: string, maxChars: number, maxLines: number): string {
  const lines: string[] = [];
  for (const word of text.replace(/\s+/g, " ").trim().split(" ")) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= maxChars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length <= maxLines) return lines.join("\n");
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1].slice(0, Math.max(0, maxChars - 1))}…`;
  return kept.join("\n");
}
