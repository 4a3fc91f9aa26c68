/**
 * The export plan (pure): from the project's scenes in order, what the MP4 will be — how long each
 * scene lasts, how its picture fills that time, where its narration sits, and the captions. The
 * renderer (./render.ts) only carries the plan out, so every timing rule lives and is tested here.
 *
 * Rules:
 * - A scene lasts its narration; without narration, its clip; without either, `defaultSceneMs`.
 *   Lengths are whole frames (narration rounded up, so no word is cut), so the scenes add up to the
 *   video's length exactly.
 * - A clip longer than its scene is trimmed. A shorter one is slowed down, at most to
 *   {@link MAX_SLOWDOWN}× its length (more looks broken), and then holds its last frame.
 * - A scene without a clip shows its still with a slow pan; without either it is refused — the plan
 *   lists every such scene — unless the creator asks for placeholders (a titled card).
 */
import type { WordTiming } from "../../providers/audio/types.ts";
import { type Cue, sceneCues, toSrt, toVtt } from "./captions.ts";

/** How much a clip may be slowed down to fill its scene before it holds its last frame. */
export const MAX_SLOWDOWN = 1.25;

/** One scene as the export sees it (the current takes of its parts). */
export interface ExportScene {
  /** The scene's number shown to creators (1-based, in story order). */
  number: number;
  text: string;
  clip?: { path: string; durationMs: number };
  still?: { path: string };
  audio?: { path: string; durationMs: number; words?: WordTiming[] };
}

/** Export settings. */
export interface ExportOptions {
  fps: number;
  width: number;
  height: number;
  /** How long a scene without narration or clip lasts (the workflow's clip length). */
  defaultSceneMs: number;
  /** Render scenes with neither clip nor still as a titled card instead of refusing. */
  placeholders: boolean;
  captions: { burnIn: boolean; sidecar: boolean };
}

/** How a scene's picture fills its time. */
export type PlannedVisual =
  | {
    kind: "clip";
    path: string;
    /** 1 = as recorded; 1.2 = played 1.2× slower (each frame lasts 1.2× as long). */
    slowdown: number;
    /** Frames of the last picture repeated at the end (after slowing as far as allowed). */
    holdFrames: number;
    fit: "trim" | "exact" | "slow" | "slow-and-hold";
  }
  | { kind: "still"; path: string }
  | { kind: "placeholder"; title: string; text: string };

/** One scene of the plan. */
export interface PlannedScene {
  number: number;
  text: string;
  startFrame: number;
  frames: number;
  startMs: number;
  durationMs: number;
  visual: PlannedVisual;
  audio?: { path: string; durationMs: number };
}

/** A plan the renderer can carry out. */
export interface ExportPlan {
  fps: number;
  width: number;
  height: number;
  totalFrames: number;
  durationMs: number;
  scenes: PlannedScene[];
  cues: Cue[];
  captions: { burnIn: boolean; sidecar: boolean };
  srt: string;
  vtt: string;
}

/** A scene the export cannot show, and what it lacks. */
export interface MissingScene {
  number: number;
  text: string;
  missing: ("video" | "image")[];
}

/** The plan, or why there is none. */
export type PlanResult =
  | { ok: true; plan: ExportPlan }
  | { ok: false; reason: "missing" | "empty"; message: string; missing: MissingScene[] };

/**
 * Plans the export of `scenes` (in order).
 *
 * @example
 * const result = planExport(scenes, { fps: 24, width: 1280, height: 720, defaultSceneMs: 4000,
 *   placeholders: false, captions: { burnIn: true, sidecar: true } });
 * if (!result.ok) return c.json({ error: result.message, missing: result.missing }, 409);
 */
export function planExport(scenes: ExportScene[], options: ExportOptions): PlanResult {
  checkOptions(options);
  if (scenes.length === 0) {
    return { ok: false, reason: "empty", message: "This project has no scenes to export.", missing: [] };
  }
  const missing = scenes.filter((s) => !s.clip && !s.still).map((s) => ({
    number: s.number,
    text: s.text,
    missing: ["video", "image"] as ("video" | "image")[],
  }));
  if (missing.length > 0 && !options.placeholders) {
    return { ok: false, reason: "missing", message: missingMessage(missing), missing };
  }
  const { fps } = options;
  const planned: PlannedScene[] = [];
  const cues: Cue[] = [];
  let startFrame = 0;
  for (const scene of scenes) {
    const frames = sceneFrames(scene, options);
    const startMs = framesToMs(startFrame, fps);
    const durationMs = framesToMs(startFrame + frames, fps) - startMs;
    planned.push({
      number: scene.number,
      text: scene.text,
      startFrame,
      frames,
      startMs,
      durationMs,
      visual: visualFor(scene, frames, fps),
      audio: scene.audio ? { path: scene.audio.path, durationMs: scene.audio.durationMs } : undefined,
    });
    if (options.captions.burnIn || options.captions.sidecar) {
      cues.push(...sceneCues(scene.text, startMs, durationMs, scene.audio?.words));
    }
    startFrame += frames;
  }
  return {
    ok: true,
    plan: {
      fps,
      width: options.width,
      height: options.height,
      totalFrames: startFrame,
      durationMs: framesToMs(startFrame, fps),
      scenes: planned,
      cues,
      captions: { ...options.captions },
      srt: toSrt(cues),
      vtt: toVtt(cues),
    },
  };
}

/** The scene's length in frames: narration rounded up (never cut a word), else clip or default rounded. */
function sceneFrames(scene: ExportScene, { fps, defaultSceneMs }: ExportOptions): number {
  if (scene.audio && scene.audio.durationMs > 0) {
    return Math.max(1, Math.ceil((scene.audio.durationMs * fps) / 1000 - 1e-6));
  }
  const ms = scene.clip && scene.clip.durationMs > 0 ? scene.clip.durationMs : defaultSceneMs;
  return Math.max(1, Math.round((ms * fps) / 1000));
}

/** How a scene of `frames` frames shows its clip, still or placeholder. */
export function visualFor(scene: ExportScene, frames: number, fps: number): PlannedVisual {
  if (scene.clip && scene.clip.durationMs > 0) {
    const clipFrames = (scene.clip.durationMs * fps) / 1000;
    if (clipFrames >= frames - 1e-6) {
      return {
        kind: "clip",
        path: scene.clip.path,
        slowdown: 1,
        holdFrames: 0,
        fit: clipFrames > frames + 0.5 ? "trim" : "exact",
      };
    }
    const needed = frames / clipFrames;
    if (needed <= MAX_SLOWDOWN) {
      return { kind: "clip", path: scene.clip.path, slowdown: round3(needed), holdFrames: 0, fit: "slow" };
    }
    const holdFrames = Math.max(0, frames - Math.floor(clipFrames * MAX_SLOWDOWN));
    return { kind: "clip", path: scene.clip.path, slowdown: MAX_SLOWDOWN, holdFrames, fit: "slow-and-hold" };
  }
  if (scene.still) return { kind: "still", path: scene.still.path };
  return { kind: "placeholder", title: `Scene ${scene.number}`, text: scene.text };
}

/** The start of frame `frame` in ms (exact to the millisecond, no drift over a long video). */
export function framesToMs(frame: number, fps: number): number {
  return Math.round((frame * 1000) / fps);
}

function missingMessage(missing: MissingScene[]): string {
  const numbers = missing.map((m) => m.number);
  const list = numbers.length > 12
    ? `${numbers.slice(0, 12).join(", ")} and ${numbers.length - 12} more`
    : numbers.join(", ");
  return missing.length === 1
    ? `Scene ${list} has neither a video nor an image, so the export cannot show it. Generate it, or export with placeholders.`
    : `${missing.length} scenes have neither a video nor an image, so the export cannot show them: ${list}. Generate them, or export with placeholders.`;
}

function checkOptions({ fps, width, height, defaultSceneMs }: ExportOptions): void {
  const fine = Number.isFinite(fps) && fps > 0 && fps <= 120 && Number.isInteger(width) && Number.isInteger(height) &&
    width >= 16 && height >= 16 && width <= 4096 && height <= 4096 && width % 2 === 0 && height % 2 === 0 &&
    Number.isFinite(defaultSceneMs) && defaultSceneMs > 0;
  if (!fine) {
    throw new Error(
      `An export needs an fps above 0 (at most 120), an even width and height from 16 to 4096 and a positive default scene length; got ${fps} fps, ${width}×${height}, ${defaultSceneMs} ms.`,
    );
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
