/**
 * A workflow the provider runs: a built-in preset, or a creator's own API-format JSON with its
 * binding file. Both end up as one shape: graph, complete bindings, sizes, frame grid, model files.
 */
import type { MediaKind } from "../types.ts";
import { type BindingFile, inferBindings } from "./bindings.ts";
import type { ApiGraph } from "./graph.ts";
import type { SizeRule } from "./timing.ts";
import { PRESETS, type WorkflowDefinition } from "./workflows/presets.ts";

/** A workflow ready to be bound and submitted. */
export interface Workflow extends WorkflowDefinition {
  /** How messages name it: `the built-in "wan22-5b" workflow` or `the workflow in shot.json`. */
  label: string;
  /** The preset's name, for built-in workflows. */
  preset?: string;
  /** The environment variable that chose it, for messages that say what to change. */
  setting: "COMFYUI_IMAGE_WORKFLOW" | "COMFYUI_VIDEO_WORKFLOW";
}

const SETTING = { image: "COMFYUI_IMAGE_WORKFLOW", video: "COMFYUI_VIDEO_WORKFLOW" } as const;

/** The built-in workflow `name`; throws an Error naming the choices when there is none of that kind. */
export function presetWorkflow(name: string, kind: MediaKind): Workflow {
  const preset = PRESETS[name];
  if (!preset || preset.kind !== kind) {
    const choices = Object.values(PRESETS).filter((p) => p.kind === kind).map((p) => p.name);
    throw new Error(
      `there is no built-in ${kind} workflow "${name}"; choose ${choices.join(", ")} or a path to a .json file`,
    );
  }
  return {
    kind,
    label: `the built-in "${name}" workflow`,
    preset: name,
    setting: SETTING[kind],
    graph: preset.graph,
    bindings: preset.bindings,
    size: preset.size,
    grid: preset.grid,
    models: preset.models,
    lighter: preset.lighter,
  };
}

/**
 * A creator's workflow: bindings from their file where it speaks, inferred elsewhere; sizes from the
 * graph's own width/height (rounded to `sizeMultiple`, default 16); for videos, the frame rate from
 * the file's `nativeFps` or the graph's bound fps input (else 16) and at most `maxFrames` (else the
 * larger of 81 and the graph's own length).
 */
export function customWorkflow(
  kind: MediaKind,
  graph: ApiGraph,
  file: BindingFile | undefined,
  label: string,
): Workflow {
  const bindings = inferBindings(graph, kind, file?.bindings ?? {});
  const valueAt = (slot: "width" | "height" | "frames" | "fps"): number | undefined => {
    const ref = bindings[slot][0];
    const value = ref ? graph[ref.node]?.inputs[ref.input] : undefined;
    return typeof value === "number" && value > 0 ? value : undefined;
  };
  const w = valueAt("width") ?? 1280;
  const h = valueAt("height") ?? 720;
  const size: SizeRule = {
    multiple: file?.sizeMultiple ?? 16,
    landscape: { width: Math.max(w, h), height: Math.min(w, h) },
  };
  const grid = kind === "video"
    ? {
      fps: file?.nativeFps ?? valueAt("fps") ?? 16,
      maxFrames: file?.maxFrames ?? Math.max(81, valueAt("frames") ?? 0),
    }
    : undefined;
  return { kind, label, setting: SETTING[kind], graph, bindings, size, grid, models: [] };
}
