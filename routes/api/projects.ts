/** /api/v1/projects: create, list and read projects. */
import { Hono } from "hono";
import { createProject, getProject, listProjects } from "../../core/domain/projects.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam, readJson } from "../http.ts";
import { createProjectBody } from "./schemas.ts";

export function projectsApi({ sql }: AppDeps) {
  const api = new Hono();
  api.post("/", async (c) => {
    const body = await readJson(c, createProjectBody);
    const created = await createProject(sql, body);
    return c.json(created, 201, { Location: `/api/v1/projects/${created.id}` });
  });
  api.get("/", async (c) => c.json({ projects: await listProjects(sql) }));
  api.get("/:id", async (c) => c.json(await getProject(sql, idParam(c, "id", "project"))));
  allowOnly(api, [["/", "GET, HEAD, POST"], ["/:id", "GET, HEAD"]]);
  return api;
}
