/**
 * The project's bulk run as the toolbar and the failure details show it: the run itself, the toast
 * when it ends, what screen readers hear, and the actions (generate, cancel, retry) with their
 * busy and error states.
 *
 * News of a run comes two ways: the stream's `run.*` events (in id order, each once) and the answers
 * to the actions (at once, but with no event id to place them among the events). Two rules keep the
 * two in order:
 *
 * - An answer about run R is dropped when an event about R arrived after the request was sent: that
 *   event is at least as new. (Events that were still on their way are applied after it anyway.)
 * - A run that was seen ending never becomes active again: runs do not reopen (a retry after the end
 *   starts a new run, `core/engine/runs.ts`), so an "active" state of an ended run is older news —
 *   typically a `run.progress` the worker committed just before the cancel, delivered by the stream
 *   after the cancel's answer. Applying it would take the toast away for good, because each run
 *   gets one toast.
 *
 * A toast is shown once per run, and only for a run this page saw active: a page opened on an
 * ended run says nothing.
 */
import { batch, type ReadonlySignal, signal } from "@preact/signals";
import type { PartName, RunSummary } from "../core/types.ts";
import type { Api, GenerateScope } from "./api.ts";
import { announcement, type Outcome, outcome } from "./progress.ts";

/** The message shown when a run ends. */
export interface Toast extends Outcome {
  runId: number;
}

/** The action whose request is in flight. */
export type Busy = "generate" | "cancel" | "retry" | null;

/** What the page renders the run model from. */
export interface RunInit {
  projectId: number;
  run: RunSummary | null;
  /** The server's clock at render (ms since epoch), to correct run times for clock skew. */
  serverNow: number;
}

/** How long a completed run keeps its full progress bar before the toolbar resets (ms). */
export const SETTLE_MS = 1200;

/** The run model; see the module doc. */
export interface RunModel {
  /** The project's active or latest run. */
  readonly run: ReadonlySignal<RunSummary | null>;
  /**
   * A run that just completed while the page watched it, for {@link SETTLE_MS}: the toolbar keeps
   * its full bar and "(N/N)" that long before offering to generate again.
   */
  readonly settling: ReadonlySignal<RunSummary | null>;
  readonly toast: ReadonlySignal<Toast | null>;
  /** The latest polite announcement for screen readers. */
  readonly announce: ReadonlySignal<string>;
  readonly busy: ReadonlySignal<Busy>;
  /** The last action's failure, as a sentence. */
  readonly error: ReadonlySignal<string | null>;
  /** Sentences whose retry (or regeneration) was asked for and is not queued yet. */
  readonly retrying: ReadonlySignal<ReadonlySet<number>>;
  /** Takes the page's state (once). */
  init(init: RunInit): void;
  /** A server timestamp on this browser's clock (ms). */
  localTime(iso: string): number;
  /** Takes news of a run: from the stream with its event id, or an answer without one. */
  apply(run: RunSummary, eventId?: number): void;
  /** A scene was queued again: its retry is no longer pending here. */
  sceneQueued(sentenceId: number): void;
  /** "Generate All Scenes" (scope `missing`, the default) or "Regenerate changed" (`changed`). */
  generate(scope?: GenerateScope): Promise<RunSummary | null>;
  /** Cancels the active run. */
  cancel(): Promise<RunSummary | null>;
  /** Retries every failed scene, or those of `sentenceIds`. */
  retry(sentenceIds?: number[]): Promise<RunSummary | null>;
  /**
   * Makes one scene's parts again (a card's Regenerate), joining the active run or starting one.
   * Not blocked by the toolbar's actions (each card has its own); a second ask for the same scene
   * while the first is on its way is ignored (null). A failure is thrown for the card to show.
   */
  regenerate(sentenceId: number, parts: PartName[]): Promise<RunSummary | null>;
  dismissToast(): void;
  clearError(): void;
}

/**
 * The page's run model over `api` (see the module doc).
 *
 * @example
 * const model = createRunModel(createApi());
 * model.init({ projectId: 7, run: null, serverNow: Date.now() });
 * await model.generate(); // model.run.value is the new run, model.error.value says why not
 */
export function createRunModel(api: Api, now: () => number = Date.now): RunModel {
  const run = signal<RunSummary | null>(null);
  const settling = signal<RunSummary | null>(null);
  const toast = signal<Toast | null>(null);
  const announce = signal("");
  const busy = signal<Busy>(null);
  const error = signal<string | null>(null);
  const retrying = signal<ReadonlySet<number>>(new Set());
  let projectId = 0;
  let clockOffsetMs = 0;
  /** Runs this page saw active: only those get a toast. */
  const watched = new Set<number>();
  /** Runs seen ended (each toasted at most once, never active again). */
  const ended = new Set<number>();
  /** The id of the latest event about each run, and about any run. */
  const runEventIds = new Map<number, number>();
  let lastRunEventId = 0;
  let settleTimer: ReturnType<typeof setTimeout> | undefined;

  const settle = (value: RunSummary | null) => {
    clearTimeout(settleTimer);
    settling.value = value;
    if (value) settleTimer = setTimeout(() => (settling.value = null), SETTLE_MS);
  };

  const apply = (next: RunSummary, eventId = 0) => {
    if (eventId) {
      lastRunEventId = eventId;
      runEventIds.set(next.id, eventId);
    }
    const prev = run.peek();
    if (prev && next.id < prev.id) return; // an older run's news
    if (next.status === "active" && ended.has(next.id)) return; // older news: runs do not reopen
    batch(() => {
      const say = announcement(prev, next);
      if (say) announce.value = say;
      if (next.status === "active") {
        if (!watched.has(next.id)) toast.value = null; // a new run: the last one's toast is done
        watched.add(next.id);
        settle(null);
      } else if (!ended.has(next.id)) {
        ended.add(next.id);
        settle(prev?.id === next.id && prev.status === "active" && next.status === "completed" ? next : null);
        if (watched.has(next.id)) toast.value = { ...outcome(next), runId: next.id };
      }
      run.value = next;
    });
  };

  const setRetrying = (ids: number[], on: boolean) => {
    const next = new Set(retrying.peek());
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    retrying.value = next;
  };

  /** Applies an action's answer unless an event about its run arrived after the request was sent. */
  const join = async (call: () => Promise<RunSummary | null>) => {
    const sentAt = lastRunEventId;
    const answer = await call();
    if (answer && (runEventIds.get(answer.id) ?? 0) <= sentAt) apply(answer);
    return answer;
  };

  const act = async (kind: Exclude<Busy, null>, call: () => Promise<RunSummary | null>) => {
    if (busy.peek()) return null;
    busy.value = kind;
    error.value = null;
    try {
      return await join(call);
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
      return null;
    } finally {
      busy.value = null;
    }
  };

  return {
    run,
    settling,
    toast,
    announce,
    busy,
    error,
    retrying,
    init(init) {
      if (projectId) return;
      projectId = init.projectId;
      clockOffsetMs = now() - init.serverNow;
      if (init.run) (init.run.status === "active" ? watched : ended).add(init.run.id);
      run.value = init.run;
    },
    localTime: (iso) => Date.parse(iso) + clockOffsetMs,
    apply,
    sceneQueued(sentenceId) {
      if (retrying.peek().has(sentenceId)) setRetrying([sentenceId], false);
    },
    generate(scope) {
      if (busy.peek()) return Promise.resolve(null);
      toast.value = null;
      return act("generate", () => api.generate(projectId, scope));
    },
    cancel: () => act("cancel", () => api.cancel(projectId)),
    async retry(sentenceIds) {
      if (busy.peek()) return null;
      if (sentenceIds) setRetrying(sentenceIds, true);
      toast.value = null;
      const answer = await act("retry", () => api.retry(projectId, sentenceIds));
      if (!answer && sentenceIds) setRetrying(sentenceIds, false);
      return answer;
    },
    async regenerate(sentenceId, parts) {
      if (retrying.peek().has(sentenceId)) return null;
      setRetrying([sentenceId], true);
      try {
        return await join(() => api.regenerate(sentenceId, parts));
      } catch (e) {
        setRetrying([sentenceId], false);
        throw e;
      }
    },
    dismissToast: () => (toast.value = null),
    clearError: () => (error.value = null),
  };
}
