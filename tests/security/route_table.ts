/**
 * Every route of app.ts, described for the hostile-input fuzz (hostile_input_test.ts): how its
 * path is built, which body it takes and the fields of that body with their limits. The fuzz test
 * fails when app.ts has a route this table lacks, so a new route is fuzzed from the day it is
 * added: add an entry here (method and path exactly as Hono registers them).
 */
import { LIMITS } from "../../core/domain/limits.ts";

/** A body field: its kind, a valid value, and the limit (characters or items) it is held to. */
export type FieldSpec =
  | { kind: "text"; valid: string; max: number; required: boolean; trims?: boolean }
  | { kind: "choice"; valid: string; choices: readonly string[]; required: boolean }
  | { kind: "ids"; max: number; required: boolean };

/** One route: method and Hono path, what `:id` names, and its body. */
export interface RouteSpec {
  method: string;
  path: string;
  /** What the path's `:id` is. */
  id?: "project" | "sentence";
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
  { method: "GET", path: "/api/v1/projects/:id/events", id: "project", body: "none", stream: true },
  { method: "GET", path: "/api/v1/sentences/:id", id: "sentence", body: "none" },
  {
    method: "PATCH",
    path: "/api/v1/sentences/:id",
    id: "sentence",
    body: "json",
    fields: { imagePrompt: prompt, videoPrompt: prompt },
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
  {
    method: "POST",
    path: "/sentences/:id/prompts",
    id: "sentence",
    body: "form",
    fields: { imagePrompt: prompt, videoPrompt: prompt },
  },
];
