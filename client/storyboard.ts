/**
 * One storyboard page's client state: the models the islands share (run, scenes, the dialogs, the
 * job timings behind the time left, exports, the prompt job) fed by the page's one event stream.
 * Islands reach it through `useStoryboard()` (`hooks.ts`).
 *
 * Edits of the script's structure (scenes or sections added, removed, moved; the project's aspect
 * ratio or clip length) are not patched into the page: the page says it is out of date and offers
 * to reload (`stale`). Edits of a scene's words are applied live (`sentence.updated`).
 */
import { batch, type ReadonlySignal, signal } from "@preact/signals";
import type {
  ExportView,
  PartName,
  PromptsUpdate,
  ScenesUpdate,
  SceneUpdate,
  SentenceView,
  TypicalJobMs,
} from "../core/types.ts";
import { type Api, createApi, runFrom } from "./api.ts";
import { createDialogModel, type DialogModel } from "./dialog_model.ts";
import { createExportsModel, type ExportsModel } from "./exports_model.ts";
import { createJobTiming, type JobTiming } from "./job_timing.ts";
import { createPromptsModel, type PromptsModel } from "./prompts_model.ts";
import { createRunModel, type RunInit, type RunModel } from "./run_model.ts";
import { createScenesModel, type ScenesModel } from "./scenes_model.ts";
import type { SceneIndex } from "../core/domain/scene_codes.ts";
import { type Connection, createEventStream, type EventStreamOptions, type StreamEvent } from "./stream.ts";

/** What the page hands the browser (the toolbar island's props). */
export interface StoryboardInit extends RunInit {
  /** Every event up to this id is reflected in the render: the stream replays the rest. */
  lastEventId: number;
  /** The project's `updatedAt` as rendered: a `project.updated` of a later change makes the page stale. */
  updatedAt?: string;
  /** How long jobs took in earlier runs (the time left starts from them). */
  typical?: TypicalJobMs;
  /** Runs make all their images before their videos (one GPU server). */
  sequential?: boolean;
  /** Every scene's state, packed (cards load on demand; counts and failures cover every scene). */
  index?: SceneIndex;
  /** The project's active or latest prompt job at render ("Write prompts"; the cards read it too). */
  promptJob?: PromptsUpdate | null;
}

/** A part of a scene, as the viewer and the takes dialog show it. */
export interface PartRef {
  sentenceId: number;
  part: PartName;
}

/** Why the page no longer shows the project as it is (null: it does). */
export type Stale = null | "structure" | "settings";

/** The page's shared client state; see the module doc. */
export interface Storyboard {
  readonly api: Api;
  readonly run: RunModel;
  readonly scenes: ScenesModel;
  /** The failure details. */
  readonly dialog: DialogModel;
  /** The project's exports (the export panel). */
  readonly exports: ExportsModel;
  /** The prompt writer's job ("Write prompts"). */
  readonly prompts: PromptsModel;
  /** The full-size image or clip of a scene. */
  readonly viewer: DialogModel<PartRef>;
  /** A part's takes, to pick the one shown. */
  readonly takes: DialogModel<PartRef>;
  readonly timing: JobTiming;
  readonly connection: ReadonlySignal<Connection>;
  readonly stale: ReadonlySignal<Stale>;
  /** The page's state as handed over (after {@link init}). */
  readonly page: Readonly<StoryboardInit> | null;
  /** Takes the page's state (once; later calls are ignored). */
  init(init: StoryboardInit): void;
  /** Opens the live stream after the page's render (once initialised; a no-op while open). */
  connect(): void;
}

/** Browser APIs a storyboard uses (tests pass stand-ins). */
export interface StoryboardDeps extends Pick<EventStreamOptions, "EventSource" | "schedule"> {
  fetch?: typeof fetch;
}

/**
 * A storyboard's client state (see the module doc).
 *
 * @example
 * const storyboard = createStoryboard();
 * storyboard.init({ projectId: 7, lastEventId: 120, run: null, serverNow: Date.now() });
 * storyboard.connect();
 */
export function createStoryboard(deps: StoryboardDeps = {}): Storyboard {
  const api = createApi(deps.fetch);
  const run = createRunModel(api);
  const scenes = createScenesModel();
  const exports = createExportsModel();
  const prompts = createPromptsModel(deps.fetch);
  const timing = createJobTiming();
  const stale = signal<Stale>(null);
  let page: StoryboardInit | null = null;

  const apply = (event: StreamEvent) => {
    if (event.type === "scene.updated") {
      const update = event.data as SceneUpdate;
      scenes.apply(update);
      timing.observe(update?.part, update?.sentenceId, update?.status);
      if (update?.status === "queued") run.sceneQueued(update.sentenceId);
      return;
    }
    if (event.type === "scenes.updated") {
      const update = event.data as ScenesUpdate;
      scenes.applyBulk(update);
      update?.sentenceIds?.forEach((id) => {
        timing.observe(update.part, id, update.status);
        if (update.status === "queued") run.sceneQueued(id);
      });
      return;
    }
    if (event.type === "sentence.updated") return scenes.applySentence(event.data as SentenceView);
    if (event.type === "project.updated") {
      const data = event.data as { updatedAt?: string; structure?: boolean; settings?: boolean } | null;
      // Replayed news of a change the render already shows (the page was loaded after it) is no news.
      const rendered = Date.parse(page?.updatedAt ?? "");
      if (!data || Date.parse(data.updatedAt ?? "") <= rendered) return;
      if (data.structure) stale.value = "structure";
      else if (data.settings && stale.peek() === null) stale.value = "settings";
      return;
    }
    if (event.type === "export.updated") return exports.apply(event.data as ExportView);
    if (event.type === "prompts.updated") return prompts.apply(event.data as PromptsUpdate);
    const summary = runFrom(event.data);
    if (summary) run.apply(summary, event.id);
  };
  const stream = createEventStream({
    url: (after) => `/api/v1/projects/${page?.projectId}/events?lastEventId=${after}`,
    onEvents: (events) => batch(() => events.forEach(apply)),
    EventSource: deps.EventSource,
    schedule: deps.schedule,
  });

  return {
    api,
    run,
    scenes,
    dialog: createDialogModel(),
    exports,
    prompts,
    viewer: createDialogModel<PartRef>(),
    takes: createDialogModel<PartRef>(),
    timing,
    connection: stream.connection,
    stale,
    get page() {
      return page;
    },
    init(init) {
      if (page) return;
      page = init;
      run.init(init);
      if (init.index) scenes.seedIndex(init.index);
      if (init.promptJob !== undefined) prompts.init(init.promptJob);
    },
    connect() {
      if (page) stream.connect(page.lastEventId);
    },
  };
}
