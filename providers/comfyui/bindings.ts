/**
 * Bindings: which node input of a workflow takes the prompt, the negative prompt, the seed, the start
 * image, the size, the frame count and the frame rate, and which node's output is the result.
 *
 * A creator who brings their own API-format workflow may say it in a small JSON map; whatever the
 * map leaves out is inferred from class types and `_meta.title` (pure functions, no server):
 *
 * - prompt / negative: a `{{prompt}}` / `{{negative}}` tag in a node title or as a string value;
 *   else text encoders titled "…Positive…" / "…Negative…"; else the text encoder reached by
 *   following a sampler's `positive` / `negative` link back through conditioning nodes
 *   (FluxGuidance, WanImageToVideo, …; BasicGuider's `conditioning` counts as positive); else the
 *   only text encoder;
 * - seed: `seed` inputs, and `noise_seed` inputs unless the node adds no noise (the second stage of
 *   a two-stage KSamplerAdvanced has `add_noise: "disable"`);
 * - image: the only LoadImage, or the one feeding a `start_image`;
 * - width / height / frames: latent and image-to-video nodes (`width`, `height`, `length`);
 * - fps: `fps` / `frame_rate` on video nodes (CreateVideo, SaveWEBM, VHS_VideoCombine, …);
 * - output: SaveVideo, VHS_VideoCombine, … for videos; SaveImage, PreviewImage for images.
 *
 * {@link applyBindings} writes the values into a copy of the graph, with a fresh `filename_prefix`
 * on the output node so that ComfyUI's cache never answers a re-render with an old file.
 */
import { z } from "zod";
import type { MediaKind } from "../types.ts";
import { type ApiGraph, type ApiNode, describeNode, isLink, nodeTitle } from "./graph.ts";

/** A node input: `{ node: "6", input: "text" }`. */
export interface InputRef {
  node: string;
  input: string;
}

/** The values a job writes into a workflow. */
export const BINDING_SLOTS = ["prompt", "negative", "seed", "image", "width", "height", "frames", "fps"] as const;

/** One of {@link BINDING_SLOTS}. */
export type BindingSlot = (typeof BINDING_SLOTS)[number];

/** Where each value goes (a slot may feed several inputs, e.g. the prompt of a base and a refiner). */
export type BindingMap = Record<BindingSlot, InputRef[]> & {
  /** The node whose output file is the result. */
  output?: string;
};

/** What a creator's binding file may say, plus hints about a custom video workflow's grid. */
export interface BindingFile {
  bindings: Partial<BindingMap>;
  /** Frame rate the workflow encodes at (else read from its bound fps input, else 16). */
  nativeFps?: number;
  /** Most frames the model handles (else 81). */
  maxFrames?: number;
  /** Width/height multiple the model needs (else 16). */
  sizeMultiple?: number;
}

const REF_HELP = 'write a node input as "<node id>.<input name>" (e.g. "6.text") or {"node": "6", "input": "text"}';
const refSchema = z.union([
  z.object({ node: z.union([z.string(), z.number()]).transform(String), input: z.string().min(1) }),
  z.string().regex(/^[^.]+\.[^.]+$/).transform((text) => {
    const dot = text.indexOf(".");
    return { node: text.slice(0, dot), input: text.slice(dot + 1) };
  }),
], { error: REF_HELP });
const refsSchema = z.union([refSchema.transform((ref) => [ref]), z.array(refSchema)], { error: REF_HELP });
const bindingFileSchema = z.strictObject({
  ...Object.fromEntries(BINDING_SLOTS.map((slot) => [slot, refsSchema.optional()])) as Record<
    BindingSlot,
    z.ZodOptional<typeof refsSchema>
  >,
  output: z.union([z.string(), z.number()]).transform(String).optional(),
  nativeFps: z.number().positive().max(240).optional(),
  maxFrames: z.number().int().min(5).max(10_000).optional(),
  sizeMultiple: z.number().int().min(1).max(256).optional(),
});

/**
 * Parses a binding file's JSON. A node input is `{"node": "6", "input": "text"}` or `"6.text"`, a
 * slot takes one or a list. Throws an Error whose message names the offending key.
 *
 * @example
 * parseBindingFile({ prompt: "6.text", seed: [{ node: "3", input: "seed" }], output: "9" });
 */
export function parseBindingFile(json: unknown): BindingFile {
  const parsed = bindingFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `"${issue.path.join(".")}"` : "the file";
    throw new Error(`${where}: ${issue.message}`);
  }
  const { nativeFps, maxFrames, sizeMultiple, ...rest } = parsed.data;
  const bindings: Partial<BindingMap> = {};
  for (const slot of BINDING_SLOTS) if (rest[slot]) bindings[slot] = rest[slot];
  if (rest.output) bindings.output = rest.output;
  return { bindings, nativeFps, maxFrames, sizeMultiple };
}

const TEXT_INPUTS = ["text", "prompt"];
const LATENT_CLASS = /latent|tovideo|video/i;
const VIDEO_CLASS = /video|webm|webp|combine|gif/i;
const VIDEO_OUTPUTS = ["SaveVideo", "VHS_VideoCombine", "SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG"];
const IMAGE_OUTPUTS = ["SaveImage", "PreviewImage"];

/**
 * Completes `given` with inferred bindings for every slot it leaves out (see the module comment).
 * Slots that cannot be inferred stay empty; {@link missingBindings} says which ones a kind needs.
 */
export function inferBindings(graph: ApiGraph, kind: MediaKind, given: Partial<BindingMap> = {}): BindingMap {
  const inferred: BindingMap = {
    prompt: given.prompt ?? textBindings(graph, "positive"),
    negative: given.negative ?? textBindings(graph, "negative"),
    seed: given.seed ?? tagged(graph, "seed") ?? seedBindings(graph),
    image: given.image ?? tagged(graph, "image") ?? imageBindings(graph),
    width: given.width ?? latentInputs(graph, "width"),
    height: given.height ?? latentInputs(graph, "height"),
    frames: given.frames ?? latentInputs(graph, "length", "video_frames"),
    fps: given.fps ?? fpsBindings(graph),
  };
  const output = given.output ?? outputNode(graph, kind);
  return output === undefined ? inferred : { ...inferred, output };
}

/** The slots `kind` cannot do without that `bindings` leaves empty. */
export function missingBindings(bindings: BindingMap, kind: MediaKind): (BindingSlot | "output")[] {
  const needed: (BindingSlot | "output")[] = kind === "video" ? ["prompt", "image", "output"] : ["prompt", "output"];
  return needed.filter((slot) => slot === "output" ? bindings.output === undefined : bindings[slot].length === 0);
}

/** Bound refs that point at a node or input the graph does not have, as sentences' subjects. */
export function danglingBindings(graph: ApiGraph, bindings: BindingMap): string[] {
  const problems: string[] = [];
  for (const slot of BINDING_SLOTS) {
    for (const ref of bindings[slot]) {
      const node = graph[ref.node];
      if (!node) problems.push(`"${slot}" points at node ${ref.node}, which the workflow does not have`);
      else if (!(ref.input in node.inputs)) {
        problems.push(
          `"${slot}" points at input "${ref.input}" of ${describeNode(graph, ref.node)}, which it does not have`,
        );
      }
    }
  }
  if (bindings.output !== undefined && !graph[bindings.output]) {
    problems.push(`"output" points at node ${bindings.output}, which the workflow does not have`);
  }
  return problems;
}

/** What a job writes into a workflow. Slots left undefined keep the workflow's own values. */
export interface BindingValues {
  prompt: string;
  negative?: string;
  seed: number;
  image?: string;
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
  /** Written to the output node's `filename_prefix`: make it unique per job. */
  filenamePrefix: string;
}

/**
 * A copy of `graph` with `values` written into the bound inputs and `filenamePrefix` into the output
 * node. Throws an Error when a binding points at a node that is not there (preflight says so first).
 *
 * @example
 * const graph = applyBindings(template, bindings, { prompt: "a lighthouse", seed: 7, filenamePrefix: "studio/ab12" });
 */
export function applyBindings(graph: ApiGraph, bindings: BindingMap, values: BindingValues): ApiGraph {
  const copy = structuredClone(graph);
  const write = (slot: BindingSlot, value: string | number | undefined) => {
    if (value === undefined) return;
    for (const ref of bindings[slot]) {
      const node = copy[ref.node];
      if (!node) {
        throw new Error(`The binding for "${slot}" points at node ${ref.node}, which the workflow does not have.`);
      }
      node.inputs[ref.input] = value;
    }
  };
  for (const slot of BINDING_SLOTS) write(slot, values[slot]);
  const output = bindings.output === undefined ? undefined : copy[bindings.output];
  if (output && "filename_prefix" in output.inputs) output.inputs.filename_prefix = values.filenamePrefix;
  return copy;
}

/** Refs tagged `{{slot}}`: in a node's title (its text input) or as a string value. */
function tagged(graph: ApiGraph, slot: string): InputRef[] | undefined {
  const tag = `{{${slot}}}`;
  const refs: InputRef[] = [];
  for (const [id, node] of Object.entries(graph)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value === "string" && value.trim() === tag) refs.push({ node: id, input });
    }
    if (nodeTitle(node).includes(tag)) {
      const input = slotInputOf(node, slot);
      if (input) refs.push({ node: id, input });
    }
  }
  return refs.length ? dedupe(refs) : undefined;
}

function slotInputOf(node: ApiNode, slot: string): string | undefined {
  const candidates: Record<string, string[]> = {
    prompt: TEXT_INPUTS,
    negative: TEXT_INPUTS,
    seed: ["seed", "noise_seed"],
    image: ["image"],
  };
  return (candidates[slot] ?? [slot]).find((name) => name in node.inputs && !isLink(node.inputs[name]));
}

function textInput(node: ApiNode): string | undefined {
  return TEXT_INPUTS.find((name) => typeof node.inputs[name] === "string");
}

function textBindings(graph: ApiGraph, role: "positive" | "negative"): InputRef[] {
  const tag = tagged(graph, role === "positive" ? "prompt" : "negative");
  if (tag) return tag;
  const titleWord = role === "positive" ? /positive/i : /negative/i;
  const byTitle = Object.entries(graph).flatMap(([id, node]) => {
    const input = textInput(node);
    return input && node._meta?.title && titleWord.test(node._meta.title) ? [{ node: id, input }] : [];
  });
  if (byTitle.length) return byTitle;
  const traced: InputRef[] = [];
  for (const node of Object.values(graph)) {
    const starts = [node.inputs[role]];
    if (role === "positive" && node.class_type === "BasicGuider") starts.push(node.inputs.conditioning);
    for (const start of starts) {
      const found = traceText(graph, start, role, 0);
      if (found) traced.push(found);
    }
  }
  if (traced.length) return dedupe(traced);
  if (role === "negative") return [];
  const encoders = Object.entries(graph).filter(([, node]) => textInput(node));
  return encoders.length === 1 ? [{ node: encoders[0][0], input: textInput(encoders[0][1])! }] : [];
}

/** Follows a conditioning link back to the node that encodes text. */
function traceText(graph: ApiGraph, value: unknown, role: string, depth: number): InputRef | undefined {
  if (!isLink(value) || depth > 8) return undefined;
  const node = graph[value[0]];
  if (!node) return undefined;
  const input = textInput(node);
  if (input) return { node: value[0], input };
  for (const next of [role, "conditioning", "conditioning_to", "conditioning_1"]) {
    const found = traceText(graph, node.inputs[next], role, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function seedBindings(graph: ApiGraph): InputRef[] {
  const refs: InputRef[] = [];
  for (const [id, node] of Object.entries(graph)) {
    if (typeof node.inputs.seed === "number") refs.push({ node: id, input: "seed" });
    const addsNoise = node.inputs.add_noise !== "disable" && node.inputs.add_noise !== false;
    if (typeof node.inputs.noise_seed === "number" && addsNoise) refs.push({ node: id, input: "noise_seed" });
  }
  return refs;
}

function imageBindings(graph: ApiGraph): InputRef[] {
  const loaders = Object.entries(graph).filter(([, node]) => node.class_type === "LoadImage");
  if (loaders.length === 1) return [{ node: loaders[0][0], input: "image" }];
  const feedsStart = new Set(
    Object.values(graph).flatMap((node) => isLink(node.inputs.start_image) ? [node.inputs.start_image[0]] : []),
  );
  const starts = loaders.filter(([id]) => feedsStart.has(id));
  return starts.length === 1 ? [{ node: starts[0][0], input: "image" }] : [];
}

function latentInputs(graph: ApiGraph, ...names: string[]): InputRef[] {
  const refs: InputRef[] = [];
  for (const [id, node] of Object.entries(graph)) {
    if (!LATENT_CLASS.test(node.class_type)) continue;
    const input = names.find((name) => typeof node.inputs[name] === "number");
    if (input) refs.push({ node: id, input });
  }
  return refs;
}

function fpsBindings(graph: ApiGraph): InputRef[] {
  const refs: InputRef[] = [];
  for (const [id, node] of Object.entries(graph)) {
    if (!VIDEO_CLASS.test(node.class_type)) continue;
    const input = ["fps", "frame_rate"].find((name) => typeof node.inputs[name] === "number");
    if (input) refs.push({ node: id, input });
  }
  return refs;
}

function outputNode(graph: ApiGraph, kind: MediaKind): string | undefined {
  for (const cls of kind === "video" ? VIDEO_OUTPUTS : IMAGE_OUTPUTS) {
    const found = Object.entries(graph).find(([, node]) => node.class_type === cls);
    if (found) return found[0];
  }
  return undefined;
}

function dedupe(refs: InputRef[]): InputRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.node}\u0000${ref.input}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
