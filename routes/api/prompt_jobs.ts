/**
 * The prompt writer's jobs ("Write prompts"):
 * - POST /api/v1/projects/:id/write-prompts, optional body {sentenceIds} | {sectionId} (neither:
 *   the whole project) → 202 {job} (a new job), or 200 {job} (the project's active job);
 * - GET /api/v1/prompt-jobs/:id → {job};
 * - POST /api/v1/prompt-jobs/:id/cancel → {job, cancelled}.
 * Other methods on these paths → 405 with Allow.
 */
import { Hono } from "hono";
import { cancelPromptJob, getPromptJob, startPromptJob } from "../../core/engine/prompt_jobs.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam, readOptionalJson } from "../http.ts";
import { writePromptsBody } from "./schemas.ts";

/** Mounted at /api/v1/projects. */
export function writePromptsApi({ sql }: AppDeps) {
  const api = new Hono();
  api.post("/:id/write-prompts", async (c) => {
    const projectId = idParam(c, "id", "project");
    const target = await readOptionalJson(c, writePromptsBody);
    const { job, created } = await startPromptJob(sql, projectId, target);
    return c.json({ job }, created ? 202 : 200);
  });
  allowOnly(api, [["/:id/write-prompts", "POST"]]);
  return api;
}

/** Mounted at /api/v1/prompt-jobs. */
export function promptJobsApi({ sql }: AppDeps) {
  const api = new Hono();
  api.get("/:id", async (c) => c.json({ job: await getPromptJob(sql, idParam(c, "id", "prompt job")) }));
  api.post("/:id/cancel", async (c) => c.json(await cancelPromptJob(sql, idParam(c, "id", "prompt job"))));
  allowOnly(api, [["/:id", "GET, HEAD"], ["/:id/cancel", "POST"]]);
  return api;
}
