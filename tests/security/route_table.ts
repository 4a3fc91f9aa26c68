/**
 * Every route of app.ts, described for the hostile-input fuzz (hostile_input_test.ts): how its
 * path is built, which body it takes and the fields of that body with their limits. The fuzz test
 * fails when app.ts has a route this table lacks, so a new route is fuzzed from the day it is
 * added: add an entry here (method and path exactly as Hono registers them).
 */
import { LIMITS } from "../../core/domain/limits.ts";

/** A body field: its kind, a valid value, and the limit (characters or items) it is held to. */
export type FieldSpec =
  | { kind: "text"; valid: string; max: number; required: boolean; trims?: boolean; nullable?: boolean }
  | { kind: "choice"; valid: string; choices: readonly string[]; required: boolean }
  | { kind: "ids"; max: number; required: boolean }
  | { kind: "number"; valid: number; min: number; max: number; integer: boolean; required: boolean }
  | { kind: "choices"; valid: string[]; choices: readonly string[]; max: number; required: boolean };

/** One route: method and Hono path, what `:id` names, and its body. */
export interface RouteSpec {
  method: string;
  path: string;
  /** What the path's `:id` is. */
  id?: "project" | "sentence" | "section" | "export" | "promptJob";
  /** A valid request deletes or merges what its id names: the fuzz aims valid ones at a spare project. */
  destructive?: boolean;
  /** `json`: the JSON API; `form`: a no-JavaScript form (CSRF token needed); `none`: no body. */
  body: "none" | "json" | "form";
  fields?: Record<string, FieldSpec>;
  /** A streaming answer (SSE) whose body the fuzz cancels after the status. */
  stream?: boolean;
}

const script = (max: number): FieldSpec => ({
  kind: "text",
  valid: "One sentence. Another one.",
  max,
  required: true,
});
const title: FieldSpec = { kind: "text", valid: "A title", max: LIMITS.titleChars, required: true, trims: true };
const aspectRatio: FieldSpec = { kind: "choice", valid: "9:16", choices: ["16:9", "9:16"], required: false };
const prompt: FieldSpec = { kind: "text", valid: "A prompt", max: LIMITS.promptChars, required: false };
const sentenceText = (required: boolean): FieldSpec => ({
  kind: "text",
  valid: "A new sentence.",
  max: LIMITS.sentenceChars,
  required,
});
const position: FieldSpec = {
  kind: "number",
  valid: 0,
  min: 0,
  max: LIMITS.sentencesPerProject,
  integer: true,
  required: true,
};
const optional = (spec: FieldSpec): FieldSpec => ({ ...spec, required: false });
/** A number in a form: text, so anything goes; what is not a number is refused naming the field. */
const formNumber: FieldSpec = { kind: "text", valid: "0", max: 20, required: true };
const confirm: FieldSpec = { kind: "choice", valid: "yes", choices: ["yes"], required: true };

export const ROUTES: RouteSpec[] = [
  {
    method: "POST",
    path: "/api/v1/projects",
    body: "json",
    fields: { title, script: script(LIMITS.scriptChars), aspectRatio },
  },
  { method: "GET", path: "/api/v1/projects", body: "none" },
  { method: "GET", path: "/api/v1/projects/:id", id: "project", body: "none" },
  { method: "POST", path: "/api/v1/projects/:id/generate-scenes", id: "project", body: "none" },
  { method: "POST", path: "/api/v1/projects/:id/cancel-scenes", id: "project", body: "none" },
  {
    method: "POST",
    path: "/api/v1/projects/:id/retry-failed-scenes",
    id: "project",
    body: "json",
    fields: { sentenceIds: { kind: "ids", max: LIMITS.sentencesPerProject, required: false } },
  },
  { method: "GET", path: "/api/v1/projects/:id/scene-run", id: "project", body: "none" },
  { method: "GET", path: "/api/v1/projects/:id/search", id: "project", body: "none" },
  { method: "GET", path: "/api/v1/projects/:id/events", id: "project", body: "none", stream: true },
  { method: "GET", path: "/api/v1/sentences/:id", id: "sentence", body: "none" },
  {
    method: "PATCH",
    path: "/api/v1/sentences/:id",
    id: "sentence",
    body: "json",
    fields: { text: sentenceText(false), imagePrompt: prompt, videoPrompt: prompt },
  },
  { method: "DELETE", path: "/api/v1/sentences/:id", id: "sentence", body: "none", destructive: true },
  {
    method: "POST",
    path: "/api/v1/sentences/:id/split",
    id: "sentence",
    body: "json",
    fields: { at: { kind: "number", valid: 4, min: 1, max: LIMITS.sentenceChars, integer: true, required: true } },
  },
  { method: "POST", path: "/api/v1/sentences/:id/merge-next", id: "sentence", body: "none", destructive: true },
  {
    method: "POST",
    path: "/api/v1/sentences/:id/move",
    id: "sentence",
    body: "json",
    fields: { position },
  },
  {
    method: "POST",
    path: "/api/v1/sentences/:id/regenerate",
    id: "sentence",
    body: "json",
    fields: {
      parts: { kind: "choices", valid: ["image"], choices: ["image", "video", "audio"], max: 3, required: false },
    },
  },
  { method: "GET", path: "/api/v1/sentences/:id/takes", id: "sentence", body: "none" },
  {
    method: "PUT",
    path: "/api/v1/sentences/:id/takes/current",
    id: "sentence",
    body: "json",
    fields: {
      part: { kind: "choice", valid: "image", choices: ["image", "video", "audio"], required: true },
      takeId: { kind: "number", valid: 1, min: 1, max: 2_147_483_647, integer: true, required: true },
    },
  },
  {
    method: "PATCH",
    path: "/api/v1/projects/:id",
    id: "project",
    body: "json",
    fields: {
      title: { ...title, required: false },
      aspectRatio,
      clipSeconds: { kind: "number", valid: 5, min: 1, max: 20, integer: false, required: false },
    },
  },
  { method: "DELETE", path: "/api/v1/projects/:id", id: "project", body: "none", destructive: true },
  {
    method: "POST",
    path: "/api/v1/projects/:id/sections",
    id: "project",
    body: "json",
    fields: {
      title: { ...title, required: false, nullable: true },
      position: optional(position),
      script: { ...script(LIMITS.scriptChars), required: false },
    },
  },
  {
    method: "PATCH",
    path: "/api/v1/sections/:id",
    id: "section",
    body: "json",
    fields: { title: { ...title, required: true, nullable: true, trims: false } },
  },
  { method: "DELETE", path: "/api/v1/sections/:id", id: "section", body: "none", destructive: true },
  { method: "POST", path: "/api/v1/sections/:id/move", id: "section", body: "json", fields: { position } },
  {
    method: "POST",
    path: "/api/v1/sections/:id/sentences",
    id: "section",
    body: "json",
    fields: { text: sentenceText(true), position: optional(position) },
  },
  { method: "GET", path: "/api/v1/status", body: "none" },
  {
    method: "POST",
    path: "/api/v1/projects/:id/generate-audio",
    id: "project",
    body: "json",
    fields: {
      sectionIds: { kind: "ids", max: LIMITS.sentencesPerProject, required: false },
      scope: { kind: "choice", valid: "missing", choices: ["missing", "all"], required: false },
    },
  },
  { method: "GET", path: "/api/v1/projects/:id/media.zip", id: "project", body: "none", stream: true },
  // Recordings are raw audio or multipart, streamed by their route: the fuzz sends it junk and nothing.
  { method: "PUT", path: "/api/v1/sentences/:id/audio", id: "sentence", body: "none" },
  { method: "POST", path: "/api/v1/sentences/:id/audio", id: "sentence", body: "none" },
  { method: "PUT", path: "/api/v1/sections/:id/audio", id: "section", body: "none" },
  { method: "POST", path: "/api/v1/sections/:id/audio", id: "section", body: "none" },
  {
    method: "POST",
    path: "/api/v1/projects/:id/exports",
    id: "project",
    body: "json",
    // No valid choice: every "valid" request here stays a 400, so the fuzz never starts a render.
    fields: {
      placeholders: { kind: "choice", valid: "x", choices: [], required: false },
    },
  },
  { method: "GET", path: "/api/v1/projects/:id/exports", id: "project", body: "none" },
  { method: "GET", path: "/api/v1/exports/:id", id: "export", body: "none" },
  { method: "POST", path: "/api/v1/exports/:id/cancel", id: "export", body: "none" },
  {
    method: "POST",
    path: "/api/v1/projects/:id/write-prompts",
    id: "project",
    body: "json",
    fields: { sentenceIds: { kind: "ids", max: LIMITS.sentencesPerProject, required: false } },
  },
  { method: "GET", path: "/api/v1/prompt-jobs/:id", id: "promptJob", body: "none" },
  { method: "POST", path: "/api/v1/prompt-jobs/:id/cancel", id: "promptJob", body: "none" },
  { method: "GET", path: "/readyz", body: "none" },
  { method: "GET", path: "/metrics", body: "none" },
  { method: "GET", path: "/sentences/:id/edit", id: "sentence", body: "none" },
  {
    method: "POST",
    path: "/sentences/:id/split",
    id: "sentence",
    body: "form",
    fields: { text: { kind: "text", valid: "One half.\nThe other.", max: LIMITS.sentenceChars, required: true } },
  },
  { method: "POST", path: "/sentences/:id/merge-next", id: "sentence", body: "form", destructive: true },
  { method: "POST", path: "/sentences/:id/move", id: "sentence", body: "form", fields: { position: formNumber } },
  {
    method: "POST",
    path: "/sentences/:id/delete",
    id: "sentence",
    body: "form",
    destructive: true,
    fields: { confirm: confirm },
  },
  {
    method: "POST",
    path: "/sections/:id/sentences",
    id: "section",
    body: "form",
    fields: { text: sentenceText(true), position: { ...formNumber, required: false } },
  },
  {
    method: "POST",
    path: "/sections/:id/rename",
    id: "section",
    body: "form",
    fields: { title: { ...title, required: false } },
  },
  { method: "POST", path: "/sections/:id/move", id: "section", body: "form", fields: { position: formNumber } },
  {
    method: "POST",
    path: "/sections/:id/delete",
    id: "section",
    body: "form",
    destructive: true,
    fields: { confirm: confirm },
  },
  {
    method: "POST",
    path: "/projects/:id/sections",
    id: "project",
    body: "form",
    fields: { title: { ...title, required: false }, script: { ...script(LIMITS.scriptChars), required: false } },
  },
  {
    method: "POST",
    path: "/projects/:id/settings",
    id: "project",
    body: "form",
    fields: { title: { ...title, required: false }, aspectRatio },
  },
  {
    method: "POST",
    path: "/projects/:id/delete",
    id: "project",
    body: "form",
    destructive: true,
    fields: { confirm: confirm },
  },
  { method: "GET", path: "/healthz", body: "none" },
  { method: "GET", path: "/media/*", body: "none" },
  { method: "HEAD", path: "/media/*", body: "none" },
  { method: "GET", path: "/static/*", body: "none" },
  { method: "GET", path: "/login", body: "none" },
  {
    method: "POST",
    path: "/login",
    body: "form",
    fields: { token: { kind: "text", valid: "x", max: 1000, required: true } },
  },
  { method: "POST", path: "/logout", body: "form" },
  { method: "GET", path: "/", body: "none" },
  {
    method: "POST",
    path: "/projects",
    body: "form",
    fields: { title, script: script(LIMITS.scriptChars), aspectRatio },
  },
  { method: "GET", path: "/projects/:id", id: "project", body: "none" },
  { method: "GET", path: "/projects/:id/cards", id: "project", body: "none" },
  {
    method: "POST",
    path: "/sentences/:id/prompts",
    id: "sentence",
    body: "form",
    fields: { imagePrompt: prompt, videoPrompt: prompt },
  },
];
