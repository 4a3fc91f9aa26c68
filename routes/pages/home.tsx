/** `/`: the project list and the form that creates a project from a pasted script. */
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { count } from "../../components/count.ts";
import { CsrfField } from "../../components/CsrfField.tsx";
import { Layout } from "../../components/Layout.tsx";
import { LIMITS } from "../../core/domain/limits.ts";
import { lastRunText } from "../../components/last_run.ts";
import { createProject } from "../../core/domain/projects.ts";
import { listProjects } from "../../core/domain/project_list.ts";
import type { ProjectListEntry } from "../../core/types.ts";
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

/** One project in the list: its picture, title, size, how far it is and its last run. */
function ProjectItem({ p, now }: { p: ProjectListEntry; now: number }) {
  return (
    <li class="project-item" data-project-id={p.id}>
      <a href={`/projects/${p.id}`} class={`project-thumb aspect-${p.aspectRatio.replace(":", "x")}`} tabIndex={-1}>
        {p.thumbUrl
          ? <img src={p.thumbUrl} alt="" loading="lazy" />
          : <span class="scene-placeholder" aria-hidden="true" />}
      </a>
      <div class="project-info">
        <a href={`/projects/${p.id}`} class="project-title">{p.title}</a>
        <p class="muted">
          {count(p.sentenceCount, "scene", "scenes")} in {count(p.sectionCount, "section", "sections")} ·{" "}
          {p.aspectRatio}
        </p>
        <p class="project-progress" data-testid="project-progress">
          <span class="stat-done">{p.scenesDone} of {p.sentenceCount} done</span>
          {p.scenesFailed > 0 && <span class="stat-failed">{p.scenesFailed} failed</span>}
          <span class="project-run">{lastRunText(p.lastRun, now)}</span>
        </p>
      </div>
    </li>
  );
}

/** The project list and the create form (with the input and error of a rejected form). */
export function HomePage(props: { projects: ProjectListEntry[]; form?: FormState; now?: number }) {
  const form = props.form ?? {};
  const now = props.now ?? Date.now();
  return (
    <Layout title="Projects">
      <section class="projects">
        <h1>Projects</h1>
        {props.projects.length === 0 && <p>No projects yet: paste a script below to create one.</p>}
        <ul class="project-list">
          {props.projects.map((p) => <ProjectItem key={p.id} p={p} now={now} />)}
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
