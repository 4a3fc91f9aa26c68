/** GET /api/v1/projects/:id/search?q=…&limit=… — the scenes whose text contains the words. */
import { Hono } from "hono";
import { searchScenes } from "../../core/domain/scene_search.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, ApiError, idParam } from "../http.ts";

/**
 * The scene search's route (GET only, under the app's access control): a storyboard renders only
 * some of its cards, so finding a sentence goes through the server.
 */
export function sceneSearchApi({ sql }: Pick<AppDeps, "sql">) {
  const api = new Hono();
  api.get("/:id/search", async (c) => {
    const id = idParam(c, "id", "project");
    const rawLimit = c.req.query("limit");
    if (rawLimit !== undefined && !/^\d{1,3}$/.test(rawLimit)) {
      throw new ApiError(400, "The limit must be a whole number from 1 to 50.");
    }
    return c.json(await searchScenes(sql, id, c.req.query("q") ?? "", rawLimit === undefined ? 20 : Number(rawLimit)));
  });
  allowOnly(api, [["/:id/search", "GET, HEAD"]]);
  return api;
}
