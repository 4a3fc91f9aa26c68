/** Request body schemas of the JSON API (one per body), shared with forms and islands. */
import { z } from "zod";
import { LIMITS } from "../../core/domain/limits.ts";

/**
 * A text field: a string of at most `max` characters without U+0000, which Postgres cannot store
 * in text (it would answer 500 instead of the 400 naming the field).
 */
const text = (name: string, max: number) =>
  z.string({ error: `${name} must be a string` }).max(max, `${name} must be at most ${max} characters`).refine(
    (s) => !s.includes("\0"),
    `${name} must not contain the NUL character (U+0000)`,
  );

export const createProjectBody = z.strictObject({
  title: text("title", LIMITS.titleChars).trim().min(1, "title must not be empty"),
  script: text("script", LIMITS.scriptChars).refine((s) => s.trim().length > 0, "script must not be empty"),
  aspectRatio: z.enum(["16:9", "9:16"], { error: 'aspectRatio must be "16:9" or "9:16"' }).optional(),
});

export const updateSentenceBody = z.strictObject({
  text: text("text", LIMITS.sentenceChars).refine((s) => s.trim().length > 0, "text must not be empty").optional(),
  imagePrompt: text("imagePrompt", LIMITS.promptChars).optional(),
  videoPrompt: text("videoPrompt", LIMITS.promptChars).optional(),
}).refine((b) => b.text !== undefined || b.imagePrompt !== undefined || b.videoPrompt !== undefined, {
  message: "send text, imagePrompt, videoPrompt or several of them",
});

const position = (name: string) =>
  z.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).min(
    0,
    `${name} must be 0 or more`,
  ).max(LIMITS.sentencesPerProject, `${name} must be at most ${LIMITS.sentencesPerProject}`);

const id = (name: string) =>
  z.number({ error: `${name} must be an id (a number)` }).int(`${name} must be a whole number`).min(
    1,
    `${name} must be positive`,
  ).max(2_147_483_647, `${name} must be at most 2147483647`);

const partName = z.enum(["image", "video", "audio"], { error: 'part must be "image", "video" or "audio"' });

export const generateScenesBody = z.strictObject({
  scope: z.enum(["missing", "changed", "all"], { error: 'scope must be "missing", "changed" or "all"' }).optional(),
});

export const regenerateBody = z.strictObject({
  parts: z.array(partName, { error: 'parts must be a list like ["image", "video"]' }).min(
    1,
    "parts must name at least one part",
  ).max(3, "parts may name each part once").refine((p) => new Set(p).size === p.length, "parts may name each part once")
    .optional(),
});

export const selectTakeBody = z.strictObject({ part: partName, takeId: id("takeId") });

export const insertSentenceBody = z.strictObject({
  text: text("text", LIMITS.sentenceChars).refine((s) => s.trim().length > 0, "text must not be empty"),
  position: position("position").optional(),
});

export const splitSentenceBody = z.strictObject({
  at: z.number({ error: "at must be a character position (a number)" }).int("at must be a whole number").min(
    1,
    "at must be inside the text",
  ).max(LIMITS.sentenceChars, `at must be at most ${LIMITS.sentenceChars}`),
});

export const moveSentenceBody = z.strictObject({
  sectionId: id("sectionId").optional(),
  position: position("position"),
});

export const addSectionBody = z.strictObject({
  title: text("title", LIMITS.titleChars).nullable().optional(),
  position: position("position").optional(),
  script: text("script", LIMITS.scriptChars).optional(),
});

export const renameSectionBody = z.strictObject({ title: text("title", LIMITS.titleChars).nullable() });

export const moveSectionBody = z.strictObject({ position: position("position") });

export const updateProjectBody = z.strictObject({
  title: text("title", LIMITS.titleChars).trim().min(1, "title must not be empty").optional(),
  aspectRatio: z.enum(["16:9", "9:16"], { error: 'aspectRatio must be "16:9" or "9:16"' }).optional(),
  clipSeconds: z.number({ error: "clipSeconds must be a number of seconds" }).min(
    1,
    "clipSeconds must be at least 1",
  ).max(20, "clipSeconds must be at most 20").optional(),
}).refine((b) => b.title !== undefined || b.aspectRatio !== undefined || b.clipSeconds !== undefined, {
  message: "send title, aspectRatio, clipSeconds or several of them",
});

export const retryFailedBody = z.strictObject({
  sentenceIds: z.array(
    z.number({ error: "sentenceIds must hold sentence ids (numbers)" }).int("sentence ids are whole numbers").min(
      1,
      "sentence ids are positive",
    ).max(2_147_483_647, "sentence ids are at most 2147483647"),
    { error: "sentenceIds must be an array of sentence ids" },
  ).min(1, "sentenceIds must not be empty; leave it out to retry every failed scene").max(
    LIMITS.sentencesPerProject,
    `sentenceIds may hold at most ${LIMITS.sentencesPerProject} ids`,
  ).optional(),
});

export const generateAudioBody = z.strictObject({
  sectionIds: z.array(id("sectionIds[]"), { error: "sectionIds must be an array of section ids" }).min(
    1,
    "sectionIds must not be empty; leave it out to narrate the whole project",
  ).max(LIMITS.sentencesPerProject, `sectionIds may hold at most ${LIMITS.sentencesPerProject} ids`).optional(),
  scope: z.enum(["missing", "all"], { error: 'scope must be "missing" or "all"' }).optional(),
});

export const createExportBody = z.strictObject({
  captions: z.strictObject({
    burnIn: z.boolean({ error: "captions.burnIn must be true or false" }).optional(),
  }, { error: "captions must be an object like {burnIn: true}" }).optional(),
  placeholders: z.boolean({ error: "placeholders must be true or false" }).optional(),
});

/** "Write prompts": the listed scenes, one section, or (an empty body) the whole project. */
export const writePromptsBody = z.strictObject({
  sentenceIds: z.array(id("sentence id"), { error: "sentenceIds must be an array of sentence ids" }).min(
    1,
    "sentenceIds must not be empty; leave it out to write the whole project's prompts",
  ).max(LIMITS.sentencesPerProject, `sentenceIds may hold at most ${LIMITS.sentencesPerProject} ids`).optional(),
  sectionId: id("sectionId").optional(),
}).refine((b) => b.sentenceIds === undefined || b.sectionId === undefined, {
  message: "send sentenceIds or sectionId, not both",
});
