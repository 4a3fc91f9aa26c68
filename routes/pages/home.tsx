/** `/`: the project list and the form that creates a project from a pasted script. */
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { count } from "../../components/count.ts";
import { CsrfField } from "../../components/CsrfField.tsx";
import { Layout } from "../../components/Layout.tsx";
import { LIMITS } from "../../core/domain/limits.ts";
import { createProject, listProjects } from "../../core/domain/projects.ts";
import type { ProjectSummary } from "../../core/types.ts";
import { ApiError, errorToJson, parseWith } from "../http.ts";
import { createProjectBody } from "../api/schemas.ts";
import { renderPage } from "../../islands_runtime/server.tsx";

const SCRIPT_PLACEHOLDER = "# Intro\nFirst sentence of the narration. Second sentence.\n\n# Next section\n…";

interface FormState {
  title?: string;
  script?: string;
  aspectRatio?: string;
  error?: string;
}

/** The project list and the create form (with the input and error of a rejected form). */
export function HomePage(props: { projects: ProjectSummary[]; form?: FormState }) {
  const form = props.form ?? {};
  return (
    <Layout title="Projects">
      <section class="projects">
        <h1>Projects</h1>
        {props.projects.length === 0 && <p>No projects yet: paste a script below to create one.</p>}
        <ul class="project-list">
          {props.projects.map((p) => (
            <li key={p.id}>
              <a href={`/projects/${p.id}`}>{p.title}</a>{" "}
              <span class="muted">
                {count(p.sentenceCount, "scene", "scenes")} in {count(p.sectionCount, "section", "sections")} ·{" "}
                {p.aspectRatio}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section class="create-project">
        <h2>New project</h2>
        {form.error && <p class="form-error" role="alert">{form.error}</p>}
        <form method="post" action="/projects">
          <CsrfField />
          <label>
            Title
            <input name="title" required maxLength={LIMITS.titleChars} value={form.title ?? ""} />
          </label>
          <label>
            Aspect ratio
            <select name="aspectRatio">
              <option value="16:9" selected={form.aspectRatio !== "9:16"}>16:9 (landscape)</option>
              <option value="9:16" selected={form.aspectRatio === "9:16"}>9:16 (vertical)</option>
            </select>
          </label>
          <label>
            Script
            <textarea
              name="script"
              required
              rows={12}
              maxLength={LIMITS.scriptChars}
              placeholder={SCRIPT_PLACEHOLDER}
            >
              {form.script ?? ""}
            </textarea>
          </label>
          <p class="hint">
            Headings (<code># Intro</code>) or blank lines start sections; each sentence becomes a scene.
          </p>
          <button type="submit">Create project</button>
        </form>
      </section>
    </Layout>
  );
}

/** The home page's routes: the list, and the create form's POST (redirects to the new storyboard). */
export function homePages({ sql }: AppDeps) {
  const pages = new Hono();
  pages.get("/", async (c) => c.html(renderPage(<HomePage projects={await listProjects(sql)} />)));
  pages.post("/projects", async (c) => {
    const form = await c.req.parseBody();
    const fields = {
      title: typeof form.title === "string" ? form.title : "",
      script: typeof form.script === "string" ? form.script : "",
      aspectRatio: typeof form.aspectRatio === "string" ? form.aspectRatio : undefined,
    };
    try {
      const body = parseWith(createProjectBody, fields);
      const created = await createProject(sql, body);
      return c.redirect(`/projects/${created.id}`, 303);
    } catch (err) {
      const { status, body } = errorToJson(err);
      if (status >= 500 && !(err instanceof ApiError)) throw err;
      const projects = await listProjects(sql);
      const message = typeof body.error === "string" ? body.error : "The project could not be created.";
      return c.html(renderPage(<HomePage projects={projects} form={{ ...fields, error: message }} />), status);
    }
  });
  return pages;
}
