/** `/projects/:id`: the storyboard, and the no-JavaScript prompt editing form it posts to. */
import { Hono } from "hono";
import type { AppDeps } from "../../app.ts";
import { Layout } from "../../components/Layout.tsx";
import { SentenceCard } from "../../components/SentenceCard.tsx";
import { getProject, updateSentencePrompts } from "../../core/projects.ts";
import type { ProjectView } from "../../core/types.ts";
import { idParam, parseWith } from "../http.ts";
import { updateSentenceBody } from "../api/schemas.ts";
import { renderPage } from "./render.ts";

export function StoryboardPage(props: { project: ProjectView }) {
  const p = props.project;
  return (
    <Layout title={p.title}>
      <header class="storyboard-header">
        <h1>{p.title}</h1>
        <p class="muted">{p.sentenceCount} scenes in {p.sectionCount} sections · {p.aspectRatio}</p>
      </header>
      {p.sections.map((section, index) => (
        <section class="storyboard-section" key={section.id} aria-labelledby={`section-${section.id}`}>
          <h2 id={`section-${section.id}`}>{section.title ?? `Section ${index + 1}`}</h2>
          <div class={`scene-grid aspect-${p.aspectRatio.replace(":", "x")}`}>
            {section.sentences.map((s) => <SentenceCard sentence={s} key={s.id} />)}
          </div>
        </section>
      ))}
    </Layout>
  );
}

export function storyboardPages({ sql }: AppDeps) {
  const pages = new Hono();
  pages.get("/projects/:id", async (c) => {
    const project = await getProject(sql, idParam(c, "id", "project"));
    return c.html(renderPage(<StoryboardPage project={project} />));
  });
  pages.post("/sentences/:id/prompts", async (c) => {
    const id = idParam(c, "id", "sentence");
    const form = await c.req.parseBody();
    const pick = (v: unknown) => (typeof v === "string" ? v.replace(/\r\n/g, "\n").trim() : undefined);
    const changes = parseWith(updateSentenceBody, {
      imagePrompt: pick(form.imagePrompt),
      videoPrompt: pick(form.videoPrompt),
    });
    const sentence = await updateSentencePrompts(sql, id, changes);
    return c.redirect(`/projects/${sentence.projectId}#sentence-${sentence.id}`, 303);
  });
  return pages;
}
