/** A run summary for unit tests of the storyboard's client: an active run of 3 scenes, overridable. */
import type { RunSummary } from "../../core/types.ts";

export function runSummary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 1,
    projectId: 7,
    status: "active",
    startedAt: "2025-01-01T00:00:00.000Z",
    finishedAt: null,
    cancelledAt: null,
    totalScenes: 3,
    finishedScenes: 0,
    failedScenes: 0,
    cancelledScenes: 0,
    images: { done: 0, total: 3 },
    videos: { done: 0, total: 3 },
    audio: { done: 0, total: 0 },
    failed: [],
    ...over,
  };
}

/**
 * A stand-in for the browser's fetch that answers each request with the next of `answers` (a
 * Response, or an Error to reject with) — or, for a `Promise`, when the test resolves it.
 */
export function answering(...answers: (Response | Error | Promise<Response>)[]): typeof fetch {
  return (() => {
    const next = answers.shift();
    if (!next) return Promise.reject(new Error("the test did not expect another request"));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }) as typeof fetch;
}
