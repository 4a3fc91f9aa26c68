/** Request body schemas of the JSON API (one per body), shared with forms and islands. */
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";

const text = (name: string, max: number) =>
  z.string({ error: `${name} must be a string` }).max(max, `${name} must be at most ${max} characters`);

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
