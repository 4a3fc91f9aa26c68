/**
 * `/sentences/:id/edit`: one scene's page for the edits that change the script's order — split,
 * insert a scene after it, move it up or down, merge it with the next, delete it — beside its
 * words. Plain forms (./storyboard_forms.tsx takes them), so it works without JavaScript, and the
 * storyboard does not carry these forms in every card.
 */
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { Layout } from "../../components/Layout.tsx";
import { type ScenePlace, scenePlaces, SceneStructureForms, SceneTextForm } from "../../components/SceneForms.tsx";
import { sceneLabel } from "../../components/status_labels.ts";
import type { Sql } from "../../core/db/client.ts";
import { getSentence, projectSummary } from "../../core/domain/projects.ts";
import type { ProjectSummary, SentenceView } from "../../core/types.ts";
import { renderPage } from "../../islands_runtime/server.tsx";
import { idParam } from "../http.ts";

/** The scene's page (see the module doc). */
export function SceneEditPage(
  props: { project: ProjectSummary; sentence: SentenceView; place: ScenePlace; next?: string },
) {
  const { project, sentence: s } = props;
  const label = sceneLabel(s.number);
  const back = `/projects/${project.id}?sentence=${s.id}#sentence-${s.id}`;
  return (
    <Layout title={`${label} · ${project.title}`}>
      <p>
        <a href={back}>← Back to the storyboard of “{project.title}”</a>
      </p>
      <section class="scene-edit-page">
        <h1>{label}</h1>
        <p class="narration">{s.text}</p>
        <h2>Words</h2>
        <SceneTextForm sentence={s} />
        <h2>Order</h2>
        <SceneStructureForms sentence={s} place={props.place} next={props.next} />
      </section>
    </Layout>
  );
}

/** Every scene id of a project by section, in order (what the move buttons are worked out from). */
async function sectionOrder(sql: Sql, projectId: number) {
  const rows = await sql<{ section_id: number; id: number; text: string }[]>`
    select sec.id as section_id, s.id, s.text
    from sections sec left join sentences s on s.section_id = sec.id
    where sec.project_id = ${projectId}
    order by sec.position, s.position`;
  const sections: { id: number; sentences: { id: number; text: string }[] }[] = [];
  for (const row of rows) {
    if (sections.at(-1)?.id !== row.section_id) sections.push({ id: row.section_id, sentences: [] });
    if (row.id !== null) sections.at(-1)!.sentences.push({ id: row.id, text: row.text });
  }
  return sections;
}

/** The scene page's route. */
export function sceneEditPages({ sql }: AppDeps) {
  const pages = new Hono();
  pages.get("/sentences/:id/edit", async (c) => {
    const sentence = await getSentence(sql, idParam(c, "id", "scene"));
    const [project, sections] = await Promise.all([
      projectSummary(sql, sentence.projectId),
      sectionOrder(sql, sentence.projectId),
    ]);
    const place = scenePlaces(sections).get(sentence.id)!;
    const next = place.last
      ? undefined
      : sections.find((s) => s.id === place.sectionId)!.sentences[place.index + 1].text;
    return c.html(renderPage(<SceneEditPage project={project} sentence={sentence} place={place} next={next} />));
  });
  return pages;
}
