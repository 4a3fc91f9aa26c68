/**
 * /api/v1/projects: create, list, read, change (title, aspect ratio, clip length) and delete
 * projects; add a section.
 */
import { Hono } from "hono";
import { createProject, deleteProject, getProject, updateProject } from "../../core/domain/projects.ts";
import { listProjects } from "../../core/domain/project_list.ts";
import { addSection } from "../../core/domain/sections.ts";
import { removeMediaFolder } from "../../media/store.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam, readJson } from "../http.ts";
import { addSectionBody, createProjectBody, updateProjectBody } from "./schemas.ts";

export function projectsApi({ sql, config }: AppDeps) {
  const api = new Hono();
  api.post("/", async (c) => {
    const body = await readJson(c, createProjectBody);
    const created = await createProject(sql, body);
    return c.json(created, 201, { Location: `/api/v1/projects/${created.id}` });
  });
  api.get("/", async (c) => c.json({ projects: await listProjects(sql) }));
  api.get("/:id", async (c) => c.json(await getProject(sql, idParam(c, "id", "project"))));
  api.patch("/:id", async (c) => {
    const id = idParam(c, "id", "project");
    return c.json(await updateProject(sql, id, await readJson(c, updateProjectBody)));
  });
  api.delete("/:id", async (c) => {
    const { mediaFolder } = await deleteProject(sql, idParam(c, "id", "project"));
    await removeMediaFolder(config.dataDir, mediaFolder);
    return c.body(null, 204);
  });
  api.post("/:id/sections", async (c) => {
    const id = idParam(c, "id", "project");
    return c.json(await addSection(sql, id, await readJson(c, addSectionBody)), 201);
  });
  allowOnly(api, [["/", "GET, HEAD, POST"], ["/:id", "GET, HEAD, PATCH, DELETE"], ["/:id/sections", "POST"]]);
  return api;
}
