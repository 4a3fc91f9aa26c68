/** `/projects/:id`: the storyboard page (its forms post to ./storyboard_forms.tsx). */
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { count } from "../../components/count.ts";
import { Layout } from "../../components/Layout.tsx";
import { ProjectSettings } from "../../components/ProjectSettings.tsx";
import { SceneCard } from "../../components/SceneCard.tsx";
import { AddSection, SectionHead } from "../../components/SectionTools.tsx";
import { projectSummary } from "../../core/domain/projects.ts";
import {
  type ChunkRef,
  chunkSentences,
  type OutlineNotices,
  type OutlineSection,
  readChunk,
  type SceneIndex,
  storyboardOutline,
} from "../../core/domain/storyboard_outline.ts";
import { typicalJobMs } from "../../core/engine/job_times.ts";
import { currentRun } from "../../core/engine/runs.ts";
import { eventCursor } from "../../core/live/cursor.ts";
import { runForPage } from "./storyboard_view.ts";
import type {
  ExportView,
  ProjectSummary,
  RunSummary,
  SentenceView,
  TypicalJobMs,
  WordSpans,
} from "../../core/types.ts";
import { openPageRender, renderFragment } from "../../islands_runtime/server.tsx";
import SceneSearch from "../../islands/SceneSearch.tsx";
import { unpackIds } from "../../core/domain/scene_codes.ts";
import { searchScenes } from "../../core/domain/scene_search.ts";
import { yieldToEventLoop } from "../middleware/body_timeout.ts";
import { currentPageContext, runWithPageContext } from "../../core/security/page_context.ts";
import { ApiError } from "../http.ts";
import type { JSX } from "preact";
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
// "Write prompts" (prompt writer): the island, and the page's latest prompt job it starts from.
import WritePrompts from "../../islands/WritePrompts.tsx";
import { currentPromptJob } from "../../core/engine/prompt_jobs.ts";
import { jobUpdate } from "../../client/prompts_api.ts";
import type { PromptJobView } from "../../core/types.ts";
import { idParam } from "../http.ts";
import { runSettings } from "../../core/engine/run_settings.ts";

/** Scenes the storyboard renders at once (whole chunks from where it starts); the rest load on demand. */
export const INITIAL_SCENES = 60;

/** What the storyboard renders: the project, its active or latest run, and the stream's resume point. */
export interface StoryboardData {
  project: ProjectSummary;
  /** Sections with their chunks of cards (see core/domain/storyboard_outline.ts). */
  sections: OutlineSection[];
  /** Every scene's state, packed: the toolbar's counts and the failure details cover all scenes. */
  index: SceneIndex;
  notices: OutlineNotices;
  /** The chunks rendered with their cards (by `chunkKey`); the others are placeholders. */
  loaded: Map<string, SentenceView[]>;
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

/** A chunk's key, as placeholders and fetched chunks name it: `<sectionId>:<from>`. */
export const chunkKey = (c: Pick<ChunkRef, "sectionId" | "from">) => `${c.sectionId}:${c.from}`;

const chunkUrl = (projectId: number, c: Pick<ChunkRef, "sectionId" | "from">) =>
  `/projects/${projectId}/cards?section=${c.sectionId}&from=${c.from}`;

const scenesLabel = (c: ChunkRef) =>
  c.scenes === 1 ? `scene ${c.firstNumber}` : `scenes ${c.firstNumber}–${c.firstNumber + c.scenes - 1}`;

/**
 * The header of the storyboard: title, settings, toolbar (counts of every scene, from the index),
 * the scene search, exports, notices and the page's dialogs.
 */
export function StoryboardTop(props: StoryboardData) {
  const p = props.project;
  const notices = props.notices;
  return (
    <>
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
          index={props.index}
          promptJob={props.promptJob ? jobUpdate(props.promptJob) : null}
        />
        <WritePrompts projectId={p.id} />
      </header>
      <SceneSearch projectId={p.id} />
      <ExportPanel projectId={p.id} exports={props.exports ?? []} />
      <ReloadNotice />
      {(notices.withoutAudio > 0 || notices.emptyVideoPrompts > 0) && (
        <div class="notices">
          {notices.withoutAudio > 0 && <NarrationNotice projectId={p.id} sectionIds={notices.audioSectionIds} />}
          {notices.emptyVideoPrompts > 0 && <VideoPromptNotice />}
        </div>
      )}
      <ErrorSummaryDialog />
      <MediaViewer />
      <TakesDialog />
    </>
  );
}

/** Cards of scenes (a chunk). */
export function SceneCards(props: { sentences: SentenceView[]; words?: Map<number, WordSpans> }) {
  return <>{props.sentences.map((s) => <SceneCard sentence={s} key={s.id} words={props.words?.get(s.id)} />)}</>;
}

/** A chunk not rendered yet: a link that shows it (no JavaScript needed); the page loads it when seen. */
export function ChunkPlaceholder(props: { projectId: number; chunk: ChunkRef }) {
  const c = props.chunk;
  return (
    <div
      class="scene-chunk"
      id={`chunk-${c.sectionId}-${c.from}`}
      data-chunk={chunkKey(c)}
      data-chunk-src={chunkUrl(props.projectId, c)}
      style={`--chunk-scenes:${c.scenes}`}
    >
      <a href={`/projects/${props.projectId}?section=${c.sectionId}&from=${c.from}#chunk-${c.sectionId}-${c.from}`}>
        Show {scenesLabel(c)}
      </a>
    </div>
  );
}

/** A section whose cards are not rendered: its heading and a link that shows it. */
export function SectionPlaceholder(props: { projectId: number; section: OutlineSection; index: number }) {
  const s = props.section;
  const first = s.chunks[0];
  const label = s.title ?? `Section ${props.index + 1}`;
  if (!first) return <StoryboardSection {...props} sectionCount={0} aspectRatio="16:9" loaded={new Map()} />;
  return (
    <section
      class="storyboard-section scene-chunk"
      aria-labelledby={`section-${s.id}`}
      id={`chunk-${s.id}-${first.from}`}
      data-chunk={chunkKey(first)}
      data-chunk-src={chunkUrl(props.projectId, first)}
      style={`--chunk-scenes:${s.scenes}`}
    >
      <h2 id={`section-${s.id}`}>{label}</h2>
      <a href={`/projects/${props.projectId}?section=${s.id}#section-${s.id}`}>
        Show section ({count(s.scenes, "scene", "scenes")})
      </a>
    </section>
  );
}

/** A section with its tools, and its chunks: those in `loaded` as cards, the others as placeholders. */
export function StoryboardSection(
  props: {
    projectId: number;
    section: OutlineSection;
    index: number;
    sectionCount: number;
    aspectRatio: string;
    loaded: Map<string, SentenceView[]>;
    words?: Map<number, WordSpans>;
    /** Render a mark in place of each loaded chunk's cards (streamed: the cards are rendered apart). */
    marks?: boolean;
  },
) {
  const section = props.section;
  const ids = section.chunks.flatMap((c) => props.loaded.get(chunkKey(c))?.map((s) => s.id) ?? []);
  return (
    <section class="storyboard-section" key={section.id} aria-labelledby={`section-${section.id}`}>
      <SectionHead
        id={section.id}
        title={section.title}
        label={section.title ?? `Section ${props.index + 1}`}
        index={props.index}
        sections={props.sectionCount}
        scenes={section.scenes}
      />
      <SectionNarration projectId={props.projectId} sectionId={section.id} ids={ids} />
      <WritePrompts projectId={props.projectId} sectionId={section.id} />
      <div class={`scene-grid aspect-${props.aspectRatio.replace(":", "x")}`}>
        {section.chunks.map((c) => {
          const sentences = props.loaded.get(chunkKey(c));
          return sentences
            ? props.marks ? cardsMark(c) : <SceneCards key={chunkKey(c)} sentences={sentences} words={props.words} />
            : <ChunkPlaceholder key={chunkKey(c)} projectId={props.projectId} chunk={c} />;
        })}
      </div>
    </section>
  );
}

const cardsMark = (c: ChunkRef) => `@@cards:${chunkKey(c)}@@`;

/** How long the streamed render may hold the event loop before it lets other work run, ms. */
const PIECE_MS = 10;

/** Cards rendered per piece of a streamed page (each piece is one turn of the event loop). */
const CARDS_PER_PIECE = 8;

/** Whether a section has a chunk in `loaded` (it is then rendered with its tools). */
const isOpen = (section: OutlineSection, loaded: Map<string, unknown>) =>
  section.chunks.some((c) => loaded.has(chunkKey(c)));

/**
 * The storyboard in one piece (tests and benchmarks; the route streams the same pieces, see
 * {@link streamStoryboard}): the header, then every section — open ones with their tools and
 * cards, the others as placeholders — and "Add a section".
 */
export function StoryboardPage(props: StoryboardData) {
  const p = props.project;
  return (
    <Layout title={p.title}>
      <StoryboardTop {...props} />
      {props.sections.map((section, index) =>
        isOpen(section, props.loaded) || section.chunks.length === 0
          ? (
            <StoryboardSection
              key={section.id}
              projectId={p.id}
              section={section}
              index={index}
              sectionCount={props.sections.length}
              aspectRatio={p.aspectRatio}
              loaded={props.loaded}
              words={props.words}
            />
          )
          : <SectionPlaceholder key={section.id} projectId={p.id} section={section} index={index} />
      )}
      <AddSection projectId={p.id} />
    </Layout>
  );
}

/** Where the storyboard starts: the first section, a section (`?section=`, `&from=`), or a scene's chunk. */
export type StoryboardStart = { sectionId: number; from?: number } | { sentenceId: number } | null;

/** The chunks rendered at once: from the start, whole chunks until {@link INITIAL_SCENES} scenes. */
export function initialChunks(sections: OutlineSection[], index: SceneIndex, start: StoryboardStart): ChunkRef[] {
  const all = sections.flatMap((s) => s.chunks);
  let at = 0;
  if (start && "sectionId" in start) {
    at = all.findIndex((c) => c.sectionId === start.sectionId && (start.from === undefined || c.from === start.from));
  } else if (start) {
    const number = unpackIds(index.ids).indexOf(start.sentenceId) + 1;
    at = all.findIndex((c) => number >= c.firstNumber && number < c.firstNumber + c.scenes);
  }
  if (at < 0) at = 0;
  const out: ChunkRef[] = [];
  let scenes = 0;
  for (; at < all.length && scenes < INITIAL_SCENES; at++) {
    out.push(all[at]);
    scenes += all[at].scenes;
  }
  return out;
}
/**
 * Reads what the storyboard shows: the stream's resume point FIRST, then the state — the outline
 * and every scene's packed state, and the cards of the chunks rendered at once (by keyset); with the
 * configuration, also how long jobs took before on its providers and the order runs make parts in.
 */
export async function loadStoryboard(
  { sql, hub, config }: Pick<AppDeps, "sql" | "hub"> & Partial<Pick<AppDeps, "config">>,
  projectId: number,
  start: StoryboardStart = null,
) {
  const lastEventId = hub ? hub.cursor() : await eventCursor(sql);
  const [project, outline] = await Promise.all([projectSummary(sql, projectId), storyboardOutline(sql, projectId)]);
  const servers = config ? generationServers(config) : { image: null, video: null };
  const gpuServer = servers.image !== null || servers.video !== null;
  const chunks = initialChunks(outline.sections, outline.index, start);
  const [run, typical, exports, promptJob, ...cards] = await Promise.all([
    currentRun(sql, projectId),
    config ? typicalJobMs(sql, { image: config.imageProvider, video: config.videoProvider }) : undefined,
    listExports(sql, projectId),
    currentPromptJob(sql, projectId),
    ...chunks.map((c) => chunkSentences(sql, projectId, c)),
  ]);
  const words = await narrationWordSpans(sql, projectId, cards.flat().map((s) => s.id));
  const sequential = config ? runSettings(config).imagesFirst === true : undefined;
  return {
    project,
    sections: outline.sections,
    index: outline.index,
    notices: outline.notices,
    loaded: new Map(chunks.map((c, i) => [chunkKey(c), cards[i]])),
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

/** Parses `?section=&from=` or `?sentence=` (where the storyboard starts); a 400 naming a bad one. */
function startFrom(query: (name: string) => string | undefined): StoryboardStart {
  const int = (name: string) => {
    const raw = query(name);
    if (raw === undefined || raw === "") return undefined;
    if (!/^\d{1,10}$/.test(raw) || Number(raw) > 2_147_483_647) {
      throw new ApiError(
        400,
        `The ${name} in the address must be a whole number, not ${JSON.stringify(raw.slice(0, 40))}.`,
      );
    }
    return Number(raw);
  };
  const sentenceId = int("sentence");
  const sectionId = int("section");
  const from = int("from");
  if (sentenceId !== undefined) return { sentenceId };
  if (sectionId !== undefined) return { sectionId, from };
  return null;
}

/** Splits a rendered Layout at its content: what goes before the page's pieces, and after. */
function layoutAround(session: ReturnType<typeof openPageRender>, title: string): [string, string] {
  const MARK = "@@storyboard-content@@";
  const html = session.render(<Layout title={title}>{MARK}</Layout>);
  const at = html.indexOf(MARK);
  return ["<!DOCTYPE html>" + html.slice(0, at), html.slice(at + MARK.length)];
}

/**
 * The storyboard as a stream of pieces, each rendered in its own turn of the event loop: the
 * document's head at once (before the project's state is read), then the header and toolbar, each
 * section (a chunk of cards at a time), the placeholders of the rest, and the islands' props. A
 * project of any size neither holds back the first byte nor stalls other requests.
 */
export async function* streamStoryboard(
  deps: Pick<AppDeps, "sql" | "hub"> & Partial<Pick<AppDeps, "config">>,
  projectId: number,
  start: StoryboardStart,
  project: ProjectSummary,
): AsyncGenerator<string> {
  const session = openPageRender();
  // Other requests get a turn whenever this render has held the event loop for a while (a timer
  // turn costs up to 4 ms, so not after every piece).
  let slice = performance.now();
  const pace = async () => {
    if (performance.now() - slice < PIECE_MS) return;
    await yieldToEventLoop();
    slice = performance.now();
  };
  const [before, after] = layoutAround(session, project.title);
  yield before;
  const data = await loadStoryboard(deps, projectId, start);
  const p = data.project;
  yield session.render(<StoryboardTop {...data} />);
  let placeholders: JSX.Element[] = [];
  for (const [index, section] of data.sections.entries()) {
    if (!isOpen(section, data.loaded) && section.chunks.length > 0) {
      placeholders.push(<SectionPlaceholder key={section.id} projectId={p.id} section={section} index={index} />);
      if (placeholders.length >= 50) {
        yield session.render(<>{placeholders}</>);
        placeholders = [];
        await pace();
      }
      continue;
    }
    if (placeholders.length) yield session.render(<>{placeholders}</>);
    placeholders = [];
    await pace();
    let html = session.render(
      <StoryboardSection
        projectId={p.id}
        section={section}
        index={index}
        sectionCount={data.sections.length}
        aspectRatio={p.aspectRatio}
        loaded={data.loaded}
        words={data.words}
        marks
      />,
    );
    for (const chunk of section.chunks) {
      const sentences = data.loaded.get(chunkKey(chunk));
      if (!sentences) continue;
      const at = html.indexOf(cardsMark(chunk));
      yield html.slice(0, at);
      html = html.slice(at + cardsMark(chunk).length);
      for (let i = 0; i < sentences.length; i += CARDS_PER_PIECE) {
        await pace();
        yield session.render(<SceneCards sentences={sentences.slice(i, i + CARDS_PER_PIECE)} words={data.words} />);
      }
    }
    yield html;
    await pace();
  }
  if (placeholders.length) yield session.render(<>{placeholders}</>);
  yield session.render(<AddSection projectId={p.id} />);
  const end = after.lastIndexOf("</body>");
  yield after.slice(0, end) + session.assets() + after.slice(end);
}

/** The storyboard page's routes: the page (streamed) and a chunk of its cards (loaded on demand). */
export function storyboardPages(deps: AppDeps) {
  const pages = new Hono();
  pages.get("/projects/:id", async (c) => {
    const id = idParam(c, "id", "project");
    let start = startFrom((name) => c.req.query(name));
    const find = c.req.query("find")?.trim();
    if (find) {
      // "Find a scene" without JavaScript: the storyboard opens at the first scene that says it.
      const [first] = (await searchScenes(deps.sql, id, find, 1)).results;
      if (first) start = { sentenceId: first.sentenceId };
    }
    const project = await projectSummary(deps.sql, id);
    // The CSRF cookie (set on first use) must go out with the headers, before the body streams; and
    // the pieces render after this handler returned, so each runs in the request's page context
    // (its forms' CSRF token, the session controls).
    const context = currentPageContext();
    context?.csrfToken();
    const pieces = streamStoryboard(deps, id, start, project);
    const next = () => context ? runWithPageContext(context, () => pieces.next()) : pieces.next();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const piece = await next();
          if (piece.done) controller.close();
          else controller.enqueue(encoder.encode(piece.value));
        } catch (error) {
          // Headers are out: the page ends where it is, and the log says why.
          console.error(`GET /projects/${id} failed while streaming:`, error);
          controller.error(error);
        }
      },
      cancel: () => void pieces.return(undefined),
    });
    return c.body(body, 200, { "content-type": "text/html; charset=UTF-8" });
  });
  // A chunk of cards for the page to insert: a section's first chunk brings the whole section.
  pages.get("/projects/:id/cards", async (c) => {
    const id = idParam(c, "id", "project");
    const start = startFrom((name) => c.req.query(name));
    if (!start) throw new ApiError(400, "Say which cards to show: ?section=<id>&from=<position>, or ?sentence=<id>.");
    if ("sectionId" in start && start.from === undefined) {
      throw new ApiError(400, "Say where the cards start in the section: &from=<position>.");
    }
    const read = await readChunk(deps.sql, id, start as { sectionId: number; from: number } | { sentenceId: number });
    const [project, words] = await Promise.all([
      projectSummary(deps.sql, id),
      narrationWordSpans(deps.sql, id, read.sentences.map((s) => s.id)),
    ]);
    const first = read.section.chunks[0];
    const whole = first !== undefined && first.from === read.chunk.from;
    const loaded = new Map([[chunkKey(read.chunk), read.sentences]]);
    const html = renderFragment(
      whole
        ? (
          <StoryboardSection
            projectId={id}
            section={read.section}
            index={read.sectionIndex}
            sectionCount={read.sectionCount}
            aspectRatio={project.aspectRatio}
            loaded={loaded}
            words={words}
          />
        )
        : <SceneCards sentences={read.sentences} words={words} />,
    );
    return c.html(html, 200, {
      "x-chunk": chunkKey(read.chunk),
      "x-section-chunk": first ? chunkKey(first) : "",
      "cache-control": "no-store",
    });
  });
  return pages;
}
