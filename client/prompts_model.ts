/**
 * The page's prompt job ("Write prompts") as its buttons show it: the project's active or latest
 * job, which button started it, the request in flight and the last request's error. News of the
 * job comes from the stream's `prompts.updated` events and from the answers to the requests; the
 * same rules as the run model (./run_model.ts) keep them in order: a newer job replaces an older
 * one, an ended job never becomes active again, and progress never goes back.
 */
import { batch, type ReadonlySignal, signal } from "@preact/signals";
import type { PromptsUpdate } from "../core/types.ts";
import { ApiCallError } from "./api.ts";
import { cancelPrompts, type PromptTarget, writePrompts } from "./prompts_api.ts";

/** The model; see the module doc. */
export interface PromptsModel {
  readonly job: ReadonlySignal<PromptsUpdate | null>;
  /** The button (a key the island picks, e.g. "section:3") that started a job of this page, and that job. */
  readonly origin: ReadonlySignal<{ jobId: number; key: string } | null>;
  /** The latest job this page saw active (its end is news; an older end is not). */
  readonly watched: ReadonlySignal<number | null>;
  /** The button whose request is in flight. */
  readonly busy: ReadonlySignal<string | null>;
  /** The last request's failure, as a sentence, with the button it concerns. */
  readonly error: ReadonlySignal<{ origin: string; message: string } | null>;
  /** Takes the page's job at render (once). */
  init(job: PromptsUpdate | null): void;
  /** Takes news of a job (an event, or an answer). */
  apply(update: PromptsUpdate): void;
  write(origin: string, projectId: number, target?: PromptTarget): Promise<void>;
  cancel(origin: string): Promise<void>;
  clearError(): void;
}

/**
 * Which of two reports about the project's prompt jobs to keep (pure).
 *
 * @example
 * newer({ jobId: 2, status: "completed", written: 5, … }, { jobId: 2, status: "active", written: 4, … }) // the first
 */
export function newer(current: PromptsUpdate | null, next: PromptsUpdate): PromptsUpdate {
  if (!current || next.jobId > current.jobId) return next;
  if (next.jobId < current.jobId) return current;
  if (current.status !== "active") return next.status === "active" ? current : next;
  return next.status === "active" && next.written < current.written ? current : next;
}

/** The page's prompt job model (see the module doc). */
export function createPromptsModel(fetchImpl?: typeof fetch): PromptsModel {
  const job = signal<PromptsUpdate | null>(null);
  const origin = signal<{ jobId: number; key: string } | null>(null);
  const watched = signal<number | null>(null);
  const busy = signal<string | null>(null);
  const error = signal<{ origin: string; message: string } | null>(null);
  let initialised = false;
  const apply = (update: PromptsUpdate) => {
    if (typeof update?.jobId !== "number") return;
    const kept = newer(job.peek(), update);
    batch(() => {
      job.value = kept;
      if (kept.status === "active") watched.value = kept.jobId;
    });
  };
  const request = async (from: string, call: () => Promise<PromptsUpdate>, started: boolean) => {
    if (busy.peek()) return;
    const before = job.peek()?.jobId;
    batch(() => {
      busy.value = from;
      error.value = null;
    });
    try {
      const update = await call();
      batch(() => {
        // A new job (not the one that was running already): this button started it.
        if (started && update.jobId !== before) origin.value = { jobId: update.jobId, key: from };
        apply(update);
      });
    } catch (e) {
      const message = e instanceof ApiCallError ? e.message : "Something went wrong. Try again.";
      error.value = { origin: from, message };
    } finally {
      busy.value = null;
    }
  };
  return {
    job,
    origin,
    watched,
    busy,
    error,
    init(initial) {
      if (initialised) return;
      initialised = true;
      if (initial) apply(initial);
    },
    apply,
    write: (from, projectId, target = {}) => request(from, () => writePrompts(projectId, target, fetchImpl), true),
    cancel(from) {
      const current = job.peek();
      if (!current || current.status !== "active") return Promise.resolve();
      return request(from, () => cancelPrompts(current.jobId, fetchImpl), false);
    },
    clearError() {
      error.value = null;
    },
  };
}
