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
import type { ProjectView, RunSummary, TypicalJobMs } from "../../core/types.ts";
import { renderPage } from "../../islands_runtime/server.tsx";
import BulkGenerationToolbar from "../../islands/BulkGenerationToolbar.tsx";
import ErrorSummaryDialog from "../../islands/ErrorSummaryDialog.tsx";
import MediaViewer from "../../islands/MediaViewer.tsx";
import ReloadNotice from "../../islands/ReloadNotice.tsx";
import TakesDialog from "../../islands/TakesDialog.tsx";
import VideoPromptNotice from "../../islands/VideoPromptNotice.tsx";
import { idParam } from "../http.ts";
import { runSettings } from "../api/run_settings.ts";

/** What the storyboard renders: the project, its active or latest run, and the stream's resume point. */
export interface StoryboardData {
  project: ProjectView;
  run: RunSummary | null;
  /** Every event up to this id is reflected in `project` and `run`; the stream replays the rest. */
  lastEventId: number;
  /** The server's clock at render, ms. */
  serverNow: number;
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
      </header>
      <ReloadNotice />
      {(notices.withoutAudio > 0 || notices.emptyVideoPrompts.length > 0) && (
        <div class="notices">
          {notices.withoutAudio > 0 && (
            <p class="notice" data-notice="audio">
              {count(notices.withoutAudio, "scene has", "scenes have")}{" "}
              no narration audio yet — generate section audio first for the best timing.
            </p>
          )}
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
          <div class={`scene-grid aspect-${p.aspectRatio.replace(":", "x")}`}>
            {section.sentences.map((s) => <SceneCard sentence={s} key={s.id} />)}
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
  const [run, typical] = await Promise.all([
    currentRun(sql, projectId),
    config ? typicalJobMs(sql, { image: config.imageProvider, video: config.videoProvider }) : undefined,
  ]);
  const sequential = config ? runSettings(config).imagesFirst === true : undefined;
  return { project, run, lastEventId, serverNow: Date.now(), typical, sequential } satisfies StoryboardData;
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
