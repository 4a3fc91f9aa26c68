/**
 * One storyboard page's client state: the models the islands share (run, scenes, failure dialog,
 * prompt job) fed by the page's one event stream. Islands reach it through `useStoryboard()` (`hooks.ts`).
 */
import { batch, type ReadonlySignal } from "@preact/signals";
import type { ExportView, PromptsUpdate, ScenesUpdate, SceneUpdate, SentenceView } from "../core/types.ts";
import { createApi, runFrom } from "./api.ts";
import { createDialogModel, type DialogModel } from "./dialog_model.ts";
import { createExportsModel, type ExportsModel } from "./exports_model.ts";
import { createPromptsModel, type PromptsModel } from "./prompts_model.ts";
import { createRunModel, type RunInit, type RunModel } from "./run_model.ts";
import { createScenesModel, type ScenesModel } from "./scenes_model.ts";
import { type Connection, createEventStream, type EventStreamOptions, type StreamEvent } from "./stream.ts";

/** What the page hands the browser (the toolbar island's props). */
export interface StoryboardInit extends RunInit {
  /** Every event up to this id is reflected in the render: the stream replays the rest. */
  lastEventId: number;
}

/** The page's shared client state; see the module doc. */
export interface Storyboard {
  readonly run: RunModel;
  readonly scenes: ScenesModel;
  readonly dialog: DialogModel;
  /** The project's exports (the export panel). */
  readonly exports: ExportsModel;
  /** The prompt writer's job ("Write prompts"). */
  readonly prompts: PromptsModel;
  readonly connection: ReadonlySignal<Connection>;
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
  const run = createRunModel(createApi(deps.fetch));
  const scenes = createScenesModel();
  const exports = createExportsModel();
  const prompts = createPromptsModel(deps.fetch);
  let projectId = 0;
  let renderedUpTo = 0;

  const apply = (event: StreamEvent) => {
    if (event.type === "scene.updated") {
      const update = event.data as SceneUpdate;
      scenes.apply(update);
      if (update?.status === "queued") run.sceneQueued(update.sentenceId);
      return;
    }
    if (event.type === "scenes.updated") {
      const update = event.data as ScenesUpdate;
      scenes.applyBulk(update);
      if (update?.status === "queued") update.sentenceIds.forEach((id) => run.sceneQueued(id));
      return;
    }
    if (event.type === "export.updated") return exports.apply(event.data as ExportView);
    if (event.type === "sentence.updated") return scenes.applySentence(event.data as SentenceView);
    if (event.type === "prompts.updated") return prompts.apply(event.data as PromptsUpdate);
    if (event.type === "project.updated") return;
    const summary = runFrom(event.data);
    if (summary) run.apply(summary, event.id);
  };
  const stream = createEventStream({
    url: (after) => `/api/v1/projects/${projectId}/events?lastEventId=${after}`,
    onEvents: (events) => batch(() => events.forEach(apply)),
    EventSource: deps.EventSource,
    schedule: deps.schedule,
  });

  return {
    run,
    scenes,
    dialog: createDialogModel(),
    exports,
    prompts,
    connection: stream.connection,
    init(init) {
      if (projectId) return;
      projectId = init.projectId;
      renderedUpTo = init.lastEventId;
      run.init(init);
    },
    connect() {
      if (projectId) stream.connect(renderedUpTo);
    },
  };
}
