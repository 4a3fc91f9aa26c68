/**
 * Reads a model's answer into prompts, robustly: local servers may ignore the JSON mode, so the
 * JSON object is looked for inside code fences, after a `<think>` block or amid prose; a bare list
 * of scenes and common spellings of the keys (`image_prompt`, `videoPrompt`, `id`) are accepted;
 * every entry is validated with zod. A usable answer has a non-empty image and video prompt for
 * every scene asked for; prompts are tidied and cut to LIMITS.promptChars. Otherwise the reason is
 * a sentence the model can be told (and a creator shown). Pure; no I/O.
 */
import { z } from "zod";
import { LIMITS } from "../../core/domain/limits.ts";
import { NOTES_CHARS } from "./chat_messages.ts";

/** Prompts the model wrote for one scene. */
export interface ScenePrompts {
  image: string;
  video: string;
}

/** A usable answer, or why it is not one. */
export type ParsedAnswer =
  | { ok: true; notes: string; scenes: Map<number, ScenePrompts> }
  | { ok: false; reason: string };

const entrySchema = z.object({
  scene: z.coerce.number({ error: "a scene number is missing" }).int().positive(),
  image: z.string({ error: "an image prompt is missing" }),
  video: z.string({ error: "a video prompt is missing" }),
});

/**
 * Parses `content` (the model's message) for the scenes numbered `numbers`.
 *
 * @example
 * parseAnswer('```json\n{"notes":"","scenes":[{"scene":4,"image":"A gull.","video":"It glides."}]}\n```', [4])
 * // { ok: true, notes: "", scenes: Map { 4 => { image: "A gull.", video: "It glides." } } }
 */
export function parseAnswer(content: string, numbers: number[]): ParsedAnswer {
  const text = content.replace(/<think>[\s\S]*?<\/think>/gi, "").trim();
  if (!text) return { ok: false, reason: "it was empty." };
  const json = findJson(text);
  if (json === undefined) return { ok: false, reason: "it is not a JSON object." };
  const body = Array.isArray(json) ? { scenes: json } : json as Record<string, unknown>;
  const list = body.scenes ?? body.prompts;
  if (!Array.isArray(list)) return { ok: false, reason: 'it has no "scenes" list.' };
  const scenes = new Map<number, ScenePrompts>();
  for (const raw of list) {
    const parsed = entrySchema.safeParse(normalizeEntry(raw));
    if (!parsed.success) {
      return { ok: false, reason: `an entry of "scenes" is not usable: ${parsed.error.issues[0].message}.` };
    }
    const { scene, image, video } = parsed.data;
    if (!scenes.has(scene)) scenes.set(scene, { image: clampPrompt(image), video: clampPrompt(video) });
  }
  const missing = numbers.filter((n) => !scenes.has(n));
  if (missing.length) return { ok: false, reason: `it has no prompts for ${scenesText(missing)}.` };
  for (const n of numbers) {
    const { image, video } = scenes.get(n)!;
    if (!image || !video) return { ok: false, reason: `scene ${n} has an empty ${image ? "video" : "image"} prompt.` };
  }
  const wanted = new Set(numbers);
  for (const n of [...scenes.keys()]) if (!wanted.has(n)) scenes.delete(n);
  return { ok: true, notes: notesText(body.notes), scenes };
}

/** Whitespace tidied, and cut at a word to LIMITS.promptChars (with "…") when longer. */
export function clampPrompt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= LIMITS.promptChars) return flat;
  const cut = flat.slice(0, LIMITS.promptChars - 1);
  const atWord = cut.replace(/\s+\S*$/, "");
  return `${atWord.length > LIMITS.promptChars / 2 ? atWord : cut}…`;
}

/** The first JSON value in the text: all of it, a fenced block, or from the first `{`/`[` to the last `}`/`]`. */
function findJson(text: string): unknown {
  const candidates = [text];
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fenced) candidates.push(fenced[1]);
  for (const [open, close] of [["{", "}"], ["[", "]"]]) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1));
  }
  for (const candidate of candidates) {
    try {
      const value = JSON.parse(candidate);
      if (value && typeof value === "object") return value;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

function normalizeEntry(raw: unknown): unknown {
  if (!raw || typeof raw !== "object") return raw;
  const e = raw as Record<string, unknown>;
  return {
    scene: e.scene ?? e.number ?? e.id,
    image: e.image ?? e.image_prompt ?? e.imagePrompt,
    video: e.video ?? e.video_prompt ?? e.videoPrompt,
  };
}

/** The notes as text (a model may return them as an object), cut to NOTES_CHARS. */
function notesText(notes: unknown): string {
  const text = typeof notes === "string" ? notes : notes === undefined || notes === null ? "" : JSON.stringify(notes);
  const flat = text.trim();
  return flat.length > NOTES_CHARS ? `${flat.slice(0, NOTES_CHARS - 1)}…` : flat;
}

function scenesText(numbers: number[]): string {
  if (numbers.length === 1) return `scene ${numbers[0]}`;
  return `scenes ${numbers.slice(0, -1).join(", ")} and ${numbers[numbers.length - 1]}`;
}
