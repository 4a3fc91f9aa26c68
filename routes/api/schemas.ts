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
  imagePrompt: text("imagePrompt", LIMITS.promptChars).optional(),
  videoPrompt: text("videoPrompt", LIMITS.promptChars).optional(),
}).refine((b) => b.imagePrompt !== undefined || b.videoPrompt !== undefined, {
  message: "send imagePrompt, videoPrompt or both",
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
