/** `/projects/:id`: the storyboard, and the no-JavaScript prompt editing form it posts to. */
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { count } from "../../components/count.ts";
import { Layout } from "../../components/Layout.tsx";
import { SceneCard } from "../../components/SceneCard.tsx";
import { getProject, getSentence } from "../../core/domain/projects.ts";
import { updateSentence } from "../../core/domain/sentences.ts";
import { currentRun } from "../../core/engine/runs.ts";
import { eventCursor } from "../../core/live/cursor.ts";
import { runForPage, storyboardNotices } from "./storyboard_view.ts";
import type { ExportView, ProjectView, RunSummary, WordSpans } from "../../core/types.ts";
import { renderPage } from "../../islands_runtime/server.tsx";
import BackendStatus from "../../islands/BackendStatus.tsx";
import BulkGenerationToolbar from "../../islands/BulkGenerationToolbar.tsx";
import { generationServers } from "../../config.ts";
import ErrorSummaryDialog from "../../islands/ErrorSummaryDialog.tsx";
import VideoPromptNotice from "../../islands/VideoPromptNotice.tsx";
// Narration and export (issue 13).
import ExportPanel from "../../islands/ExportPanel.tsx";
import NarrationNotice from "../../islands/NarrationNotice.tsx";
import SectionNarration from "../../islands/SectionNarration.tsx";
import { listExports } from "../../core/exports/exports.ts";
import { narrationWordSpans } from "../../core/engine/narration_words.ts";
import { missingNarration } from "./narration_view.ts";
// "Write prompts" (prompt writer): the island, and the page's latest prompt job it starts from.
import WritePrompts from "../../islands/WritePrompts.tsx";
import { currentPromptJob } from "../../core/engine/prompt_jobs.ts";
import { jobUpdate } from "../../client/prompts_api.ts";
import type { PromptJobView } from "../../core/types.ts";
import { idParam, parseWith } from "../http.ts";
import { updateSentenceBody } from "../api/schemas.ts";

/** What the storyboard renders: the project, its active or latest run, and the stream's resume point. */
export interface StoryboardData {
  project: ProjectView;
  run: RunSummary | null;
  /** Every event up to this id is reflected in `project` and `run`; the stream replays the rest. */
  lastEventId: number;
  /** The server's clock at render, ms. */
  serverNow: number;
  /** Whether a part is made on a GPU server (the header then shows its status). */
  gpuServer?: boolean;
  /** The project's exports, newest first. */
  exports?: ExportView[];
  /** When each word of a sentence's narration is heard, by sentence id. */
  words?: Map<number, WordSpans>;
  /** The project's active or latest prompt job ("Write prompts"). */
  promptJob?: PromptJobView | null;
}

/** The storyboard: header with the toolbar, notices, the failure details dialog and the scene cards by section. */
export function StoryboardPage(props: StoryboardData) {
  const p = props.project;
  const notices = storyboardNotices(p);
  return (
    <Layout title={p.title}>
      <header class="storyboard-header">
        <div class="storyboard-title">
          <h1>{p.title}</h1>
          <p class="muted">
            {count(p.sentenceCount, "scene", "scenes")} in {count(p.sectionCount, "section", "sections")} ·{" "}
            {p.aspectRatio}
          </p>
        </div>
        {props.gpuServer && <BackendStatus />}
        <BulkGenerationToolbar
          projectId={p.id}
          run={runForPage(props.run)}
          lastEventId={props.lastEventId}
          serverNow={props.serverNow}
          failedScenes={notices.failedScenes}
        />
        <WritePrompts projectId={p.id} job={props.promptJob ? jobUpdate(props.promptJob) : null} />
      </header>
      <ExportPanel projectId={p.id} exports={props.exports ?? []} />
      {(notices.withoutAudio > 0 || notices.emptyVideoPrompts.length > 0) && (
        <div class="notices">
          {notices.withoutAudio > 0 && <NarrationNotice projectId={p.id} {...missingNarration(p)} />}
          {notices.emptyVideoPrompts.length > 0 && <VideoPromptNotice ids={notices.emptyVideoPrompts} />}
        </div>
      )}
      <ErrorSummaryDialog />
      {p.sections.map((section, index) => (
        <section class="storyboard-section" key={section.id} aria-labelledby={`section-${section.id}`}>
          <h2 id={`section-${section.id}`}>{section.title ?? `Section ${index + 1}`}</h2>
          <SectionNarration
            projectId={p.id}
            sectionId={section.id}
            ids={section.sentences.map((s) =>
              s.id
            )}
          />
          <WritePrompts projectId={p.id} sectionId={section.id} />
          <div class={`scene-grid aspect-${p.aspectRatio.replace(":", "x")}`}>
            {section.sentences.map((s) => <SceneCard sentence={s} key={s.id} words={props.words?.get(s.id)} />)}
          </div>
        </section>
      ))}
    </Layout>
  );
}

/** Reads what the storyboard shows: the stream's resume point FIRST, then the state. */
export async function loadStoryboard(
  { sql, hub, config }: Pick<AppDeps, "sql" | "hub" | "config">,
  projectId: number,
) {
  const lastEventId = hub ? hub.cursor() : await eventCursor(sql);
  const project = await getProject(sql, projectId);
  const run = await currentRun(sql, projectId);
  const servers = generationServers(config);
  const gpuServer = servers.image !== null || servers.video !== null;
  const [exports, words, promptJob] = await Promise.all([
    listExports(sql, projectId),
    narrationWordSpans(sql, projectId),
    currentPromptJob(sql, projectId),
  ]);
  return {
    project,
    run,
    lastEventId,
    serverNow: Date.now(),
    gpuServer,
    exports,
    words,
    promptJob,
  } satisfies StoryboardData;
}

/** The storyboard's routes: the page, and the prompt form it posts to (works without JavaScript). */
export function storyboardPages(deps: AppDeps) {
  const { sql } = deps;
  const pages = new Hono();
  pages.get("/projects/:id", async (c) => {
    const data = await loadStoryboard(deps, idParam(c, "id", "project"));
    return c.html(renderPage(<StoryboardPage {...data} />));
  });
  pages.post("/sentences/:id/prompts", async (c) => {
    const id = idParam(c, "id", "sentence");
    const form = await c.req.parseBody();
    const pick = (v: unknown) => (typeof v === "string" ? v.replace(/\r\n/g, "\n").trim() : undefined);
    // Only the fields the creator changed are saved: the form holds the prompts as they were at
    // render (`…Before`), and the engine may have written the video prompt since, or another tab
    // changed a prompt — an untouched field must not overwrite that.
    const changed = (name: "imagePrompt" | "videoPrompt") => {
      const value = pick(form[name]);
      const before = pick(form[`${name}Before`]);
      return value !== undefined && before !== undefined && value === before ? undefined : value;
    };
    const imagePrompt = changed("imagePrompt");
    const videoPrompt = changed("videoPrompt");
    const submitted = form.imagePrompt !== undefined || form.videoPrompt !== undefined;
    const sentence = submitted && imagePrompt === undefined && videoPrompt === undefined
      ? await getSentence(sql, id) // nothing changed
      : await updateSentence(sql, id, parseWith(updateSentenceBody, { imagePrompt, videoPrompt }));
    return c.redirect(`/projects/${sentence.projectId}#sentence-${sentence.id}`, 303);
  });
  return pages;
}
