/**
 * The one rule that writes a video prompt when a sentence has none: a motion description derived
 * from the image prompt (what the picture shows) and the sentence (what is happening). The engine
 * calls {@link writeVideoPrompt} just before a video job animates the image and saves the result on
 * the sentence, so the creator sees and can edit it. An LLM can replace this function later: it
 * takes plain text and returns plain text, nothing else depends on how it works.
 */
import { LIMITS } from "./limits.ts";

/** What the rule reads. */
export interface VideoPromptInput {
  imagePrompt: string;
  sentence: string;
}

/** Camera moves, picked per sentence so a storyboard does not repeat one move throughout. */
const CAMERA_MOVES = [
  "Slow push-in",
  "Gentle pan from left to right",
  "Slow pull-back revealing the scene",
  "Subtle upward tilt",
  "Gentle pan from right to left",
  "Slow drift forward",
];

/** Motion that suits what the words mention: [pattern, motion]. The first four matches are used. */
const MOTIONS: [RegExp, string][] = [
  [/\b(storm|thunder|lightning|gale|tempest)\w*/i, "storm clouds churning, flashes of light"],
  [/\b(rain|drizzle|spray)\w*/i, "rain streaking through the air"],
  [/\b(wind|breeze|howl)\w*/i, "wind tugging at loose things"],
  [/\b(wave|sea|ocean|water|river|lake|tide)\w*/i, "water moving with a slow swell"],
  [/\b(cloud|sky|sunset|dawn|dusk|sun)\w*/i, "clouds drifting across the sky"],
  [/\b(fire|flame|lamp|lantern|candle|glow|light|beam)\w*/i, "light flickering softly"],
  [/\b(gull|bird|wing)\w*/i, "birds gliding and circling"],
  [/\b(boat|ship|vessel)\w*/i, "the boat rocking gently"],
  [/\b(walk|climb|run|approach|cross|carry|carries|carrying)\w*/i, "the figure moving steadily"],
  [/\b(smile|laugh|thank|look|watch|see|sees)\w*/i, "a subtle change of expression"],
  [/\b(tree|grass|heather|leaf|leaves|flower|forest)\w*/i, "foliage swaying in the breeze"],
  [/\b(smoke|steam|mist|fog)\w*/i, "mist curling slowly"],
];

/** Request markers of the simulated provider apply to the request they are written in only. */
const SIMULATED_MARKERS = /\[(fail|flaky|slow)\]/gi;

/** A motion description for animating the scene's still image. Deterministic for the same input. */
export function writeVideoPrompt(input: VideoPromptInput): string {
  const subject = tidy(input.imagePrompt) || tidy(input.sentence);
  const words = `${input.imagePrompt} ${input.sentence}`;
  const motions = MOTIONS.filter(([pattern]) => pattern.test(words)).map(([, motion]) => motion).slice(0, 4);
  const move = CAMERA_MOVES[hash(input.sentence || subject) % CAMERA_MOVES.length];
  const parts = [
    `${move}.`,
    subject ? `${ensureStop(subject)}` : "",
    motions.length ? `Motion: ${motions.join(", ")}.` : "Motion: subtle, natural movement in the scene.",
    "Keep the composition and the subject steady; no cuts, no new objects.",
  ].filter(Boolean);
  const prompt = parts.join(" ");
  return prompt.length <= LIMITS.promptChars ? prompt : `${prompt.slice(0, LIMITS.promptChars - 1)}…`;
}

function tidy(text: string): string {
  const clean = text.replace(SIMULATED_MARKERS, " ").replace(/\s+/g, " ").trim();
  return clean.length > 600 ? `${clean.slice(0, 600).replace(/\s+\S*$/, "")}…` : clean;
}

function ensureStop(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

/** FNV-1a, for a stable choice per sentence. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
