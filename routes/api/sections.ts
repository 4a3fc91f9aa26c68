/** /api/v1/sections/:id — rename, move and delete a section; add a sentence to it. */
import { Hono } from "hono";
import { deleteSection, moveSection, renameSection } from "../../core/domain/sections.ts";
import { insertSentence } from "../../core/domain/sentences.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam, readJson } from "../http.ts";
import { insertSentenceBody, moveSectionBody, renameSectionBody } from "./schemas.ts";

export function sectionsApi({ sql }: AppDeps) {
  const api = new Hono();
  api.patch("/:id", async (c) => {
    const id = idParam(c, "id", "section");
    const { title } = await readJson(c, renameSectionBody);
    return c.json(await renameSection(sql, id, title));
  });
  api.delete("/:id", async (c) => {
    await deleteSection(sql, idParam(c, "id", "section"));
    return c.body(null, 204);
  });
  api.post("/:id/move", async (c) => {
    const id = idParam(c, "id", "section");
    await moveSection(sql, id, (await readJson(c, moveSectionBody)).position);
    return c.body(null, 204);
  });
  api.post("/:id/sentences", async (c) => {
    const id = idParam(c, "id", "section");
    return c.json(await insertSentence(sql, id, await readJson(c, insertSentenceBody)), 201);
  });
  allowOnly(api, [["/:id", "PATCH, DELETE"], ["/:id/move", "POST"], ["/:id/sentences", "POST"]]);
  return api;
}
