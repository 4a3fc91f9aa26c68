/** `/projects/:id`: the storyboard page (its forms post to ./storyboard_forms.tsx). */
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { count } from "../../components/count.ts";
import { Layout } from "../../components/Layout.tsx";
import { ProjectSettings } from "../../components/ProjectSettings.tsx";
import { SceneCard } from "../../components/SceneCard.tsx";
import { AddSection, SectionHead } from "../../components/SectionTools.tsx";
import { getProject } from "../../core/domain/projects.ts";
import { typicalJobMs } from "../../core/engine/job_times.ts";
import { currentRun } from "../../core/engine/runs.ts";
import { eventCursor } from "../../core/live/cursor.ts";
import { runForPage, storyboardNotices } from "./storyboard_view.ts";
import type { ExportView, ProjectView, RunSummary, TypicalJobMs, WordSpans } from "../../core/types.ts";
import { renderPage } from "../../islands_runtime/server.tsx";
import BackendStatus from "../../islands/BackendStatus.tsx";
import BulkGenerationToolbar from "../../islands/BulkGenerationToolbar.tsx";
import { generationServers } from "../../config.ts";
import ErrorSummaryDialog from "../../islands/ErrorSummaryDialog.tsx";
import MediaViewer from "../../islands/MediaViewer.tsx";
import ReloadNotice from "../../islands/ReloadNotice.tsx";
import TakesDialog from "../../islands/TakesDialog.tsx";
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
import { idParam } from "../http.ts";
import { runSettings } from "../../core/engine/run_settings.ts";

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
  /** How long jobs took on the configured providers before (the time left starts from it). */
  typical?: TypicalJobMs;
  /** Runs make all their images before their videos. */
  sequential?: boolean;
}

/**
 * The storyboard: header with the title, project settings and the toolbar (with the media download);
 * notices; the dialogs (failure details, viewer, takes); the scene cards by section, each section
 * with its tools; and "Add a section".
 */
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
            {p.aspectRatio} · {p.clipSeconds} s clips
          </p>
          <ProjectSettings project={p} />
        </div>
        {props.gpuServer && <BackendStatus />}
        <BulkGenerationToolbar
          projectId={p.id}
          run={runForPage(props.run)}
          lastEventId={props.lastEventId}
          serverNow={props.serverNow}
          updatedAt={p.updatedAt}
          typical={props.typical}
          sequential={props.sequential}
          failedScenes={notices.failedScenes}
          missingScenes={notices.missingScenes}
          outdatedScenes={notices.outdatedScenes}
          hasMedia={notices.hasMedia}
        />
        <WritePrompts projectId={p.id} job={props.promptJob ? jobUpdate(props.promptJob) : null} />
      </header>
      <ExportPanel projectId={p.id} exports={props.exports ?? []} />
      <ReloadNotice />
      {(notices.withoutAudio > 0 || notices.emptyVideoPrompts.length > 0) && (
        <div class="notices">
          {notices.withoutAudio > 0 && <NarrationNotice projectId={p.id} {...missingNarration(p)} />}
          {notices.emptyVideoPrompts.length > 0 && <VideoPromptNotice ids={notices.emptyVideoPrompts} />}
        </div>
      )}
      <ErrorSummaryDialog />
      <MediaViewer />
      <TakesDialog />
      {p.sections.map((section, index) => (
        <section class="storyboard-section" key={section.id} aria-labelledby={`section-${section.id}`}>
          <SectionHead
            id={section.id}
            title={section.title}
            label={section.title ?? `Section ${index + 1}`}
            index={index}
            sections={p.sections.length}
            scenes={section.sentences.length}
          />
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
      <AddSection projectId={p.id} />
    </Layout>
  );
}

/**
 * Reads what the storyboard shows: the stream's resume point FIRST, then the state; with the
 * configuration, also how long jobs took before on its providers and the order runs make parts in.
 */
export async function loadStoryboard(
  { sql, hub, config }: Pick<AppDeps, "sql" | "hub"> & Partial<Pick<AppDeps, "config">>,
  projectId: number,
) {
  const lastEventId = hub ? hub.cursor() : await eventCursor(sql);
  const project = await getProject(sql, projectId);
  const servers = config ? generationServers(config) : { image: null, video: null };
  const gpuServer = servers.image !== null || servers.video !== null;
  const [run, typical, exports, words, promptJob] = await Promise.all([
    currentRun(sql, projectId),
    config ? typicalJobMs(sql, { image: config.imageProvider, video: config.videoProvider }) : undefined,
    listExports(sql, projectId),
    narrationWordSpans(sql, projectId),
    currentPromptJob(sql, projectId),
  ]);
  const sequential = config ? runSettings(config).imagesFirst === true : undefined;
  return {
    project,
    run,
    lastEventId,
    serverNow: Date.now(),
    gpuServer,
    typical,
    sequential,
    exports,
    words,
    promptJob,
  } satisfies StoryboardData;
}

/** The storyboard page's route. */
export function storyboardPages(deps: AppDeps) {
  const pages = new Hono();
  pages.get("/projects/:id", async (c) => {
    const data = await loadStoryboard(deps, idParam(c, "id", "project"));
    return c.html(renderPage(<StoryboardPage {...data} />));
  });
  return pages;
}
