/**
 * What the `openai` writer says to the model: one system message with the task and the JSON shape
 * of the answer, and one user message per batch with the script's title and frame, the notes so
 * far (characters, setting, style), the script around the batch, and the batch itself as a JSON
 * list. Scenes are named by their number, which the model reads more reliably than ids. Pure text;
 * no I/O.
 */
import { LIMITS } from "../../core/domain/limits.ts";

/** A chat message of `/v1/chat/completions`. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Longest notes kept from one batch to the next. */
export const NOTES_CHARS = 1500;

/** A scene of the batch as the model sees it. */
export interface BatchScene {
  number: number;
  text: string;
  /** The creator's image prompt, to be kept and animated. */
  fixedImagePrompt?: string;
}

/** What one request says. */
export interface BatchMessageInput {
  title: string;
  aspectRatio: "16:9" | "9:16";
  sceneCount: number;
  sectionCount: number;
  notes: string;
  /** The script around the batch (./script_excerpt.ts); "" for none. */
  excerpt: string;
  scenes: BatchScene[];
}

/** The line that introduces the batch's JSON list (the list follows on the next lines). */
export const SCENES_HEADING = "Scenes to write (JSON):";

export const SYSTEM_PROMPT =
  `You write prompts for an AI storyboard. Every scene of a narrated script becomes one still image, made by a text-to-image model, and one short clip animated from that image by the image-to-video model Wan 2.2.

For every scene you are given, write:
- "image": the prompt for the still image. Describe what the camera sees in one frame: the subject and how they look, what they are doing, the setting, the light, the composition and the visual style. 40 to 90 words. Describe each recurring character the same way every time (use the notes), and keep the setting, period and style consistent from scene to scene. Write English even when the script is not. No written text, captions or speech bubbles in the picture.
- "video": the motion prompt for Wan 2.2, which animates that still image. One to three short sentences in the present tense: how the camera moves (slow push-in, pan left, tilt up, tracking shot, or a static shot) and what moves in the frame (who does what, hair and cloth in the wind, water, smoke, light). Under 60 words. Describe motion, not a new picture: no cuts, no new characters or objects, no text.
When a scene comes with an "image", that image prompt is the creator's own: copy it unchanged and write the video prompt to animate it.

Keep "notes" as you go: each recurring character with a fixed visual description (age, build, hair, clothes), the places, the period, the visual style and palette. Return the updated notes with every answer, at most ${NOTES_CHARS} characters.

Answer with one JSON object and nothing else, in exactly this shape:
{"notes": "…", "scenes": [{"scene": 1, "image": "…", "video": "…"}]}
with one entry per scene asked for, in the same order, "scene" being its number. Each prompt at most ${LIMITS.promptChars} characters.`;

/**
 * The messages of one request.
 *
 * @example
 * batchMessages({ title: "The Lighthouse Keeper", aspectRatio: "16:9", sceneCount: 24, sectionCount: 3,
 *   notes: "", excerpt: "## Dusk\n[1] The keeper climbs the stairs.", scenes: [{ number: 1, text: "The keeper climbs the stairs." }] })
 */
export function batchMessages(input: BatchMessageInput): ChatMessage[] {
  const frame = input.aspectRatio === "9:16" ? "9:16, portrait (vertical video)" : "16:9, landscape";
  const parts = [
    `Script: ${
      JSON.stringify(input.title)
    } — ${input.sceneCount} scenes in ${input.sectionCount} sections. Frame: ${frame}.`,
    `Notes so far:\n${input.notes.trim() || "(none yet: start them from the script)"}`,
  ];
  if (input.excerpt) parts.push(`The script around these scenes:\n${input.excerpt}`);
  const list = input.scenes.map((s) =>
    s.fixedImagePrompt === undefined
      ? { scene: s.number, text: s.text }
      : { scene: s.number, text: s.text, image: s.fixedImagePrompt }
  );
  parts.push(`${SCENES_HEADING}\n${JSON.stringify(list, null, 1)}`);
  return [{ role: "system", content: SYSTEM_PROMPT }, { role: "user", content: parts.join("\n\n") }];
}

/**
 * The follow-up after an answer that could not be used: the model's answer and what was wrong
 * with it, asking once more for the JSON object alone.
 */
export function correctionMessages(answer: string, reason: string, numbers: number[]): ChatMessage[] {
  return [
    { role: "assistant", content: answer.length > 4000 ? `${answer.slice(0, 4000)}…` : answer },
    {
      role: "user",
      content: `That answer could not be used: ${reason} Answer again with only the JSON object in the shape given, ` +
        `with one entry for each of the scenes ${numbers.join(", ")}.`,
    },
  ];
}
