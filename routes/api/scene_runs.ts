/**
 * Bulk scene generation, under /api/v1/projects/:id:
 * - POST generate-scenes, optional body {scope: "missing" | "changed" | "all"} → 202 {run} (a new
 *   run), or 200 {run} (the run already active);
 * - POST cancel-scenes → 200 {run, cancelled};
 * - POST retry-failed-scenes, optional body {sentenceIds} → 202 {run};
 * - GET scene-run → 200 {run} (the active or latest run, or null);
 * - POST generate-audio, optional body {sectionIds?, scope?: "missing" | "all"} → 202 {run}: the
 *   narration of the project or of those sections, in the active run or a new one.
 * Other methods on these paths → 405 with Allow.
 */
import { type Context, Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { cancelRun, currentRun, retryFailed, startNarration, startRun } from "../../core/engine/runs.ts";
import { allowOnly, idParam, readOptionalJson } from "../http.ts";
import { checkBackends } from "../../providers/status.ts";
import { runSettings } from "../../core/engine/run_settings.ts";
import { generateAudioBody, generateScenesBody, retryFailedBody } from "./schemas.ts";

export function sceneRunsApi({ sql, config, providers }: AppDeps) {
  const api = new Hono();
  const settings = runSettings(config);
  const projectId = (c: Context) => idParam(c, "id", "project");

  api.post("/:id/generate-scenes", async (c) => {
    const id = projectId(c);
    const { scope } = await readOptionalJson(c, generateScenesBody);
    await checkBackends(providers!, ["image", "video"]);
    const { run, created } = await startRun(sql, id, settings, scope);
    return c.json({ run }, created ? 202 : 200);
  });
  api.post("/:id/cancel-scenes", async (c) => c.json(await cancelRun(sql, projectId(c))));
  api.post("/:id/retry-failed-scenes", async (c) => {
    const id = projectId(c);
    // The body is optional: an empty one means "every failed scene".
    const body = await readOptionalJson(c, retryFailedBody);
    await checkBackends(providers!, ["image", "video"]);
    const { run } = await retryFailed(sql, id, settings, body.sentenceIds);
    return c.json({ run }, 202);
  });
  api.get("/:id/scene-run", async (c) => c.json({ run: await currentRun(sql, projectId(c)) }));
  api.post("/:id/generate-audio", async (c) => {
    const id = projectId(c);
    const body = await readOptionalJson(c, generateAudioBody);
    const { run } = await startNarration(sql, id, settings, body);
    return c.json({ run }, 202);
  });

  allowOnly(api, [
    ["/:id/generate-scenes", "POST"],
    ["/:id/cancel-scenes", "POST"],
    ["/:id/retry-failed-scenes", "POST"],
    ["/:id/scene-run", "GET, HEAD"],
    ["/:id/generate-audio", "POST"],
  ]);
  return api;
}
