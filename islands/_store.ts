/**
 * The storyboard's client state: ONE EventSource per page, and signals the islands read.
 *
 * - `run`: the project's active or latest run ({@link RunSummary}), from the page, the API answers
 *   and the `run.*` events.
 * - one pair of signals per sentence (image, video) plus its auto-written video prompt, created by
 *   the card islands from their server-rendered props and updated by `scene.updated` events.
 * - `toast`, `announce` (screen readers), `busy`, `error`, `dialogOpen`, `connection`.
 *
 * Islands share this module because the islands bundle holds all of them (one module instance per
 * page). On the server islands must render from their props only: {@link IS_BROWSER} guards every
 * use, so no state leaks between requests.
 *
 * Events are applied in id order, each once, and idempotently (a `scene.updated` carries the whole
 * state of that part; `run.*` the whole summary), so the page can ask the stream to replay from a
 * little before its own render (see `core/live/cursor.ts`) without harm.
 */
import { batch, computed, type ReadonlySignal, type Signal, signal } from "@preact/signals";
import type { PartName, PartStatus, RunSummary, ScenesUpdate, SceneUpdate } from "../core/types.ts";
import { announcement, outcome } from "./_progress.ts";

/** True in the browser; false while the server renders islands. */
export const IS_BROWSER = typeof document !== "undefined";

/** What a card shows of one scene part. */
export interface PartView {
  status: PartStatus;
  url: string | null;
  error: string | null;
}

/** Live state of one sentence. */
export interface SceneSignals {
  /** Scene number shown to the creator (0 until a card registered it). */
  number: number;
  image: Signal<PartView>;
  video: Signal<PartView>;
  /** The video prompt once the engine has written it (null until then). */
  videoPrompt: Signal<string | null>;
}

/** A failed scene part, as the failure details list it. */
export interface FailedPart {
  sentenceId: number;
  number: number;
  part: PartName;
  error: string;
}

/** The message shown when a run ends. */
export interface Toast {
  kind: "success" | "warning" | "info";
  text: string;
  hasFailures: boolean;
  runId: number;
}

export type Busy = "generate" | "cancel" | "retry" | null;
export type Connection = "idle" | "connecting" | "open" | "reconnecting";

/** What the page tells the store (the toolbar island's props). */
export interface StoreInit {
  projectId: number;
  /** Replay events after this id: nothing between the render and the connection is missed. */
  lastEventId: number;
  run: RunSummary | null;
  /** The server's clock at render (ms since epoch), to correct run times for clock skew. */
  serverNow: number;
}

/** How long a completed run keeps its full progress bar before the toolbar resets (ms). */
export const SETTLE_MS = 1200;

const EVENT_TYPES = [
  "run.started",
  "scene.updated",
  "scenes.updated",
  "run.progress",
  "run.completed",
  "run.cancelled",
] as const;

/** Error an API call ends with, with a message a creator can read. */
export class ApiCallError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = "ApiCallError";
  }
}

/** Reads a run summary from an event's or an answer's data (`{run}` or the summary itself). */
export function runFrom(data: unknown): RunSummary | null {
  if (!data || typeof data !== "object") return null;
  const d = data as Record<string, unknown>;
  const candidate = (d.run && typeof d.run === "object" ? d.run : d) as Partial<RunSummary>;
  if (typeof candidate.id !== "number" || typeof candidate.status !== "string") return null;
  if (typeof candidate.totalScenes !== "number") return null;
  return {
    failed: [],
    images: { done: 0, total: 0 },
    audio: { done: 0, total: 0 },
    videos: { done: 0, total: 0 },
    ...candidate,
  } as RunSummary;
}

export class StoryboardStore {
  projectId = 0;
  readonly run: Signal<RunSummary | null> = signal(null);
  readonly toast: Signal<Toast | null> = signal(null);
  /**
   * A run that just completed while the page watched it, for {@link SETTLE_MS}: the toolbar keeps
   * its full bar and "(N/N)" that long before offering to generate again.
   */
  readonly settling: Signal<RunSummary | null> = signal(null);
  readonly announce: Signal<string> = signal("");
  readonly busy: Signal<Busy> = signal(null);
  /** Sentences whose retry request is in flight. */
  readonly retrying: Signal<ReadonlySet<number>> = signal(new Set());
  readonly error: Signal<string | null> = signal(null);
  readonly dialogOpen: Signal<boolean> = signal(false);
  readonly connection: Signal<Connection> = signal("idle");
  /** Client clock minus server clock, in ms. */
  clockOffsetMs = 0;
  /** Highest event id applied. */
  lastEventId = 0;

  #initialized = false;
  #scenes = new Map<number, SceneSignals>();
  /** Sentences whose state came from the page or an event (not just defaults). */
  #known = new Set<number>();
  #source: EventSource | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnectDelayMs = 1000;
  /** Runs seen active on this page: only those get a toast when they end. */
  #activeSeen = new Set<number>();
  #toasted = new Set<string>();
  /** Latest event id that carried each run, to tell stale API answers from fresh ones. */
  #runEventIds = new Map<number, number>();
  #dialogOpener: HTMLElement | null = null;
  #settleTimer: ReturnType<typeof setTimeout> | undefined;
  #pending: { type: string; payload: unknown; id: number }[] = [];
  #flushScheduled = false;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #fetch: typeof fetch;
  #EventSource: typeof EventSource | undefined;

  constructor(deps: { fetch?: typeof fetch; EventSource?: typeof EventSource } = {}) {
    this.#fetch = deps.fetch ?? ((...args) => fetch(...args));
    this.#EventSource = deps.EventSource ?? (typeof EventSource === "undefined" ? undefined : EventSource);
  }

  /** Takes the page's state once (later calls are ignored). */
  init(init: StoreInit): void {
    if (this.#initialized) return;
    this.#initialized = true;
    this.projectId = init.projectId;
    this.lastEventId = init.lastEventId;
    this.clockOffsetMs = Date.now() - init.serverNow;
    if (init.run?.status === "active") this.#activeSeen.add(init.run.id);
    this.run.value = init.run;
  }

  /**
   * The signals of a sentence. A card registers it with its number and server-rendered state
   * (`initial`); readers without state get the same signals.
   */
  scene(sentenceId: number, initial?: { number: number; image: PartView; video: PartView }): SceneSignals {
    let scene = this.#scenes.get(sentenceId);
    if (scene && initial && !this.#known.has(sentenceId)) {
      // Created by a reader without state (and no event since): take the rendered state.
      scene.image.value = initial.image;
      scene.video.value = initial.video;
    }
    if (initial) this.#known.add(sentenceId);
    if (!scene) {
      const idle: PartView = { status: "idle", url: null, error: null };
      scene = {
        number: 0,
        image: signal(initial?.image ?? idle),
        video: signal(initial?.video ?? idle),
        videoPrompt: signal(null),
      };
      this.#scenes.set(sentenceId, scene);
      this.#scenesChanged();
    }
    if (initial && scene.number !== initial.number) {
      scene.number = initial.number;
      this.#scenesChanged();
    }
    return scene;
  }

  /**
   * Every failed scene part of the page, in scene order — the project's failures, whichever run
   * they came from (retrying re-queues all of them). Live: follows the stream.
   */
  readonly failures: ReadonlySignal<FailedPart[]> = computed(() => {
    this.#scenesVersion.value;
    const out: FailedPart[] = [];
    for (const [sentenceId, scene] of this.#scenes) {
      for (const part of ["image", "video"] as const) {
        const state = scene[part].value;
        if (state.status === "failed") {
          out.push({ sentenceId, number: scene.number, part, error: state.error ?? "" });
        }
      }
    }
    return out.sort((a, b) => a.number - b.number || (a.part < b.part ? -1 : 1));
  });

  /** Number of sentences whose card registered (0 until the cards have hydrated). */
  get sceneCount(): number {
    this.#scenesVersion.value;
    return this.#scenes.size;
  }

  // Cards register during hydration, hundreds at once: tell readers once, after the burst.
  #scenesVersion = signal(0);
  #versionPending = false;
  #scenesChanged(): void {
    if (this.#versionPending) return;
    this.#versionPending = true;
    queueMicrotask(() => {
      this.#versionPending = false;
      this.#scenesVersion.value++;
    });
  }

  // ---- live stream -------------------------------------------------------------------------

  /** Opens the page's one EventSource (no-op when open or outside a browser). */
  connect(): void {
    if (this.#source || !this.#EventSource || !this.projectId) return;
    clearTimeout(this.#retryTimer);
    const url = `/api/v1/projects/${this.projectId}/events?lastEventId=${this.lastEventId}`;
    const source = new this.#EventSource(url);
    this.#source = source;
    this.connection.value = this.connection.peek() === "idle" ? "connecting" : "reconnecting";
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (e) => this.#onMessage(type, e as MessageEvent<string>));
    }
    source.onopen = () => {
      this.connection.value = "open";
      this.#reconnectDelayMs = 1000;
    };
    source.onerror = () => {
      if (source.readyState === 2 /* CLOSED: the browser gave up (e.g. an HTTP error) */) {
        source.close();
        if (this.#source === source) this.#source = null;
        this.connection.value = "reconnecting";
        this.#retryTimer = setTimeout(() => this.connect(), this.#reconnectDelayMs);
        this.#reconnectDelayMs = Math.min(this.#reconnectDelayMs * 2, 15_000);
      } else {
        // The browser reconnects by itself, sending Last-Event-ID.
        this.connection.value = "reconnecting";
      }
    };
  }

  /** Closes the stream (tests, page teardown). */
  disconnect(): void {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#flushTimer);
    this.#flushScheduled = false;
    this.#settle(null);
    this.#source?.close();
    this.#source = null;
    this.connection.value = "idle";
  }

  #onMessage(type: (typeof EVENT_TYPES)[number], event: MessageEvent<string>): void {
    const id = Number(event.lastEventId);
    if (Number.isFinite(id) && id > 0) {
      if (id <= this.lastEventId) return; // already applied
      this.lastEventId = id;
    }
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    // `data:` is the whole StudioEvent; its `data` member is the type's payload.
    const payload = data && typeof data === "object" && "type" in data && "data" in data
      ? (data as { data: unknown }).data
      : data;
    this.#pending.push({ type, payload, id: Number.isFinite(id) ? id : 0 });
    this.#scheduleFlush();
  }

  /**
   * Events are applied in batches, at most once per frame: a burst (a run of 500 scenes starts
   * with 500 "queued" events) costs one render, not 500. The timer covers hidden tabs, where
   * animation frames do not run.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    const flush = () => this.flushEvents();
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(flush);
    this.#flushTimer = setTimeout(flush, 100);
  }

  /** Applies the events received so far (in order, in one batch). */
  flushEvents(): void {
    clearTimeout(this.#flushTimer);
    this.#flushScheduled = false;
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    batch(() => {
      for (const e of events) this.applyEvent(e.type, e.payload, e.id);
    });
  }

  /** Applies one event's data (exposed for tests). */
  applyEvent(type: string, data: unknown, eventId = 0): void {
    if (type === "scene.updated") {
      this.applySceneUpdate(data as SceneUpdate);
      return;
    }
    if (type === "scenes.updated") {
      this.applyScenesUpdate(data as ScenesUpdate);
      return;
    }
    const run = runFrom(data);
    if (!run) return;
    if (eventId) this.#runEventIds.set(run.id, Math.max(eventId, this.#runEventIds.get(run.id) ?? 0));
    this.applyRun(run);
  }

  /** One change to one part of many scenes: each keeps its media and takes the new state. */
  applyScenesUpdate(update: ScenesUpdate): void {
    if (!update || !Array.isArray(update.sentenceIds) || (update.part !== "image" && update.part !== "video")) return;
    batch(() => {
      for (const id of update.sentenceIds) {
        const scene = this.scene(id);
        const prev = (update.part === "video" ? scene.video : scene.image).peek();
        const error = update.error === undefined ? prev.error : update.error;
        this.applySceneUpdate(
          { ...prev, sentenceId: id, part: update.part, status: update.status, error } as SceneUpdate,
        );
      }
    });
  }

  applySceneUpdate(update: SceneUpdate): void {
    if (!update || typeof update.sentenceId !== "number") return;
    const scene = this.scene(update.sentenceId);
    this.#known.add(update.sentenceId);
    const part = update.part === "video" ? scene.video : scene.image;
    batch(() => {
      part.value = { status: update.status, url: update.url ?? null, error: update.error ?? null };
      if (typeof update.videoPrompt === "string" && update.videoPrompt) scene.videoPrompt.value = update.videoPrompt;
      // A part that is queued again is no longer being retried from here.
      if (update.status === "queued" && this.retrying.peek().has(update.sentenceId)) {
        const next = new Set(this.retrying.peek());
        next.delete(update.sentenceId);
        this.retrying.value = next;
      }
    });
  }

  /** Takes a newer state of the run (older runs are ignored) and shows the toast when it ends. */
  applyRun(next: RunSummary): void {
    const prev = this.run.peek();
    if (prev && next.id < prev.id) return;
    batch(() => {
      const say = announcement(prev, next);
      if (next.status === "active") {
        if (!this.#activeSeen.has(next.id) || prev?.status !== "active") this.toast.value = null;
        this.#activeSeen.add(next.id);
      }
      this.run.value = next;
      if (say) this.announce.value = say;
      if (next.status === "active") {
        this.#settle(null);
      } else if (prev?.id === next.id && prev.status === "active" && next.status === "completed") {
        this.#settle(next);
      } else if (next.status === "cancelled") {
        this.#settle(null);
      }
      if (next.status !== "active" && this.#activeSeen.has(next.id)) {
        const key = `${next.id}:${next.status}:${next.finishedAt ?? next.cancelledAt ?? ""}`;
        if (!this.#toasted.has(key)) {
          this.#toasted.add(key);
          this.toast.value = { ...outcome(next), runId: next.id };
        }
      }
    });
  }

  #settle(run: RunSummary | null): void {
    clearTimeout(this.#settleTimer);
    this.settling.value = run;
    if (run) this.#settleTimer = setTimeout(() => (this.settling.value = null), SETTLE_MS);
  }

  /**
   * Takes the run an API call answered with, unless the stream already brought a newer state of it
   * (events that arrived after the request was sent are fresher than the answer).
   */
  #applyAnswer(run: RunSummary | null, sentAtEventId: number): void {
    if (!run) return;
    this.flushEvents();
    if ((this.#runEventIds.get(run.id) ?? 0) > sentAtEventId) return;
    this.applyRun(run);
  }

  // ---- actions -----------------------------------------------------------------------------

  async #call(path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await this.#fetch(`/api/v1/projects/${this.projectId}/${path}`, {
        method: body === undefined && path === "scene-run" ? "GET" : "POST",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiCallError("Could not reach the server. Check that Scene Studio is running and try again.", 0);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch { /* not JSON */ }
    if (!res.ok) {
      const message = json && typeof json === "object" && typeof (json as { error?: unknown }).error === "string"
        ? (json as { error: string }).error
        : `The server answered ${res.status} ${res.statusText}`.trim() + ".";
      throw new ApiCallError(message, res.status);
    }
    return json;
  }

  async #action(busy: Exclude<Busy, null>, path: string, body?: unknown): Promise<RunSummary | null> {
    if (this.busy.peek()) return null;
    this.busy.value = busy;
    this.error.value = null;
    const sentAt = this.lastEventId;
    try {
      const run = runFrom(await this.#call(path, body));
      this.#applyAnswer(run, sentAt);
      return run;
    } catch (error) {
      this.error.value = error instanceof Error ? error.message : String(error);
      return null;
    } finally {
      this.busy.value = null;
    }
  }

  /** "Generate All Scenes". */
  generateAll(): Promise<RunSummary | null> {
    this.toast.value = null;
    return this.#action("generate", "generate-scenes");
  }

  /** Cancels the active run. */
  cancel(): Promise<RunSummary | null> {
    return this.#action("cancel", "cancel-scenes");
  }

  /** Retries all failed scenes, or those of `sentenceIds`. */
  async retry(sentenceIds?: number[]): Promise<RunSummary | null> {
    if (sentenceIds) {
      const next = new Set(this.retrying.peek());
      for (const id of sentenceIds) next.add(id);
      this.retrying.value = next;
    }
    this.toast.value = null;
    const run = await this.#action("retry", "retry-failed-scenes", sentenceIds ? { sentenceIds } : {});
    if (!run && sentenceIds) {
      const next = new Set(this.retrying.peek());
      for (const id of sentenceIds) next.delete(id);
      this.retrying.value = next;
    }
    return run;
  }

  /** Re-reads the run (for the failure details); errors end up in `error`. */
  async refreshRun(): Promise<RunSummary | null> {
    const sentAt = this.lastEventId;
    try {
      const run = runFrom(await this.#call("scene-run"));
      this.#applyAnswer(run, sentAt);
      return run;
    } catch (error) {
      if (error instanceof ApiCallError && error.status === 404) return null;
      this.error.value = error instanceof Error ? error.message : String(error);
      return null;
    }
  }

  clearError(): void {
    this.error.value = null;
  }

  dismissToast(): void {
    this.toast.value = null;
  }

  // ---- failure details dialog ---------------------------------------------------------------

  /** Opens the failure details; focus returns to `opener` (or the toolbar) when it closes. */
  openDetails(opener?: HTMLElement | null): void {
    this.#dialogOpener = opener ?? (IS_BROWSER ? document.activeElement as HTMLElement | null : null);
    this.dialogOpen.value = true;
  }

  closeDetails(): void {
    this.dialogOpen.value = false;
  }

  /** Where focus goes when the dialog closes: the opener if it is still on the page. */
  takeDialogOpener(): HTMLElement | null {
    const opener = this.#dialogOpener;
    this.#dialogOpener = null;
    return opener && opener.isConnected ? opener : null;
  }
}

/** The page's store (one per page: the islands bundle is one module graph). */
export const store: StoryboardStore = new StoryboardStore();

/** Part name → label. */
export function partLabel(part: PartName): string {
  return part === "image" ? "Image" : "Video";
}
