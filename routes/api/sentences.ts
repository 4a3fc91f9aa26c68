/** /api/v1/sentences: edit a sentence's prompts. */
import { Hono } from "hono";
import { getSentence, updateSentencePrompts } from "../../core/domain/projects.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam, readJson } from "../http.ts";
import { updateSentenceBody } from "./schemas.ts";

export function sentencesApi({ sql }: AppDeps) {
  const api = new Hono();
  api.get("/:id", async (c) => c.json(await getSentence(sql, idParam(c, "id", "sentence"))));
  api.patch("/:id", async (c) => {
    const id = idParam(c, "id", "sentence");
    const body = await readJson(c, updateSentenceBody);
    return c.json(await updateSentencePrompts(sql, id, body));
  });
  allowOnly(api, [["/:id", "GET, HEAD, PATCH"]]);
  return api;
}
