/**
 * /api/v1/sentences/:id — one scene's sentence: read, edit (text, prompts), delete, split, merge
 * with the next, move; make its parts again; list its takes and pick the one shown.
 */
import { Hono } from "hono";
import { getSentence } from "../../core/domain/projects.ts";
import {
  deleteSentence,
  mergeWithNext,
  moveSentence,
  splitSentence,
  updateSentence,
} from "../../core/domain/sentences.ts";
import { regenerateScene } from "../../core/engine/runs.ts";
import { chooseTake, listTakes } from "../../core/engine/takes.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam, readJson, readOptionalJson } from "../http.ts";
import { checkBackends } from "../../providers/status.ts";
import { runSettings } from "../../core/engine/run_settings.ts";
import { moveSentenceBody, regenerateBody, selectTakeBody, splitSentenceBody, updateSentenceBody } from "./schemas.ts";

export function sentencesApi({ sql, config, providers }: AppDeps) {
  const api = new Hono();
  const settings = runSettings(config);
  api.get("/:id", async (c) => c.json(await getSentence(sql, idParam(c, "id", "sentence"))));
  api.patch("/:id", async (c) => {
    const id = idParam(c, "id", "sentence");
    return c.json(await updateSentence(sql, id, await readJson(c, updateSentenceBody)));
  });
  api.delete("/:id", async (c) => {
    await deleteSentence(sql, idParam(c, "id", "sentence"));
    return c.body(null, 204);
  });
  api.post("/:id/split", async (c) => {
    const id = idParam(c, "id", "sentence");
    const { at } = await readJson(c, splitSentenceBody);
    return c.json({ sentences: await splitSentence(sql, id, at) }, 201);
  });
  api.post("/:id/merge-next", async (c) => c.json(await mergeWithNext(sql, idParam(c, "id", "sentence"))));
  api.post("/:id/move", async (c) => {
    const id = idParam(c, "id", "sentence");
    return c.json(await moveSentence(sql, id, await readJson(c, moveSentenceBody)));
  });
  api.post("/:id/regenerate", async (c) => {
    const id = idParam(c, "id", "sentence");
    const { parts = ["image", "video"] } = await readOptionalJson(c, regenerateBody);
    await checkBackends(providers!, parts.filter((p) => p !== "audio"));
    const { run } = await regenerateScene(sql, id, parts, settings);
    return c.json({ run }, 202);
  });
  api.get("/:id/takes", async (c) => c.json(await listTakes(sql, idParam(c, "id", "sentence"))));
  api.put("/:id/takes/current", async (c) => {
    const id = idParam(c, "id", "sentence");
    const { part, takeId } = await readJson(c, selectTakeBody);
    return c.json(await chooseTake(sql, id, part, takeId));
  });
  allowOnly(api, [
    ["/:id", "GET, HEAD, PATCH, DELETE"],
    ["/:id/split", "POST"],
    ["/:id/merge-next", "POST"],
    ["/:id/move", "POST"],
    ["/:id/regenerate", "POST"],
    ["/:id/takes", "GET, HEAD"],
    ["/:id/takes/current", "PUT"],
  ]);
  return api;
}
