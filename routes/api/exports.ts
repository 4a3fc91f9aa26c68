/**
 * Exports of a project to one MP4 (core/exports/exports.ts):
 * - POST /api/v1/projects/:id/exports, optional body {captions?: {burnIn?}, placeholders?} → 202
 *   {export} (queued), or 200 {export} with the export already under way; 409 {error, missing}
 *   when scenes have neither a video nor an image and placeholders were not asked for;
 * - GET /api/v1/projects/:id/exports → {exports} (newest first);
 * - GET /api/v1/exports/:id → {export};
 * - POST /api/v1/exports/:id/cancel → {export}.
 * Progress and the outcome arrive as `export.updated` events on the project's stream; the files
 * download from /media (add `?download` for an attachment).
 */
import { Hono } from "hono";
import { cancelExport, getExport, listExports, requestExport } from "../../core/exports/exports.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam, readOptionalJson } from "../http.ts";
import { createExportBody } from "./schemas.ts";

/** The export routes, mounted at /api/v1. */
export function exportsApi({ sql, config }: AppDeps) {
  const api = new Hono();
  api.post("/projects/:id/exports", async (c) => {
    const id = idParam(c, "id", "project");
    const body = await readOptionalJson(c, createExportBody);
    const { export: view, created } = await requestExport(sql, id, body, { maxAttempts: config.maxAttempts });
    return c.json({ export: view }, created ? 202 : 200);
  });
  api.get(
    "/projects/:id/exports",
    async (c) => c.json({ exports: await listExports(sql, idParam(c, "id", "project")) }),
  );
  api.get("/exports/:id", async (c) => c.json({ export: await getExport(sql, idParam(c, "id", "export")) }));
  api.post("/exports/:id/cancel", async (c) => c.json({ export: await cancelExport(sql, idParam(c, "id", "export")) }));
  allowOnly(api, [
    ["/projects/:id/exports", "GET, HEAD, POST"],
    ["/exports/:id", "GET, HEAD"],
    ["/exports/:id/cancel", "POST"],
  ]);
  return api;
}
