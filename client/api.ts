/**
 * The storyboard's calls to the JSON API (`/api/v1`): start, cancel and retry a project's bulk
 * generation, make one scene's parts again, and list and pick a part's takes. Every failure ends as
 * an {@link ApiCallError} whose message a creator can read — the server's own `{error}` sentence
 * when it sent one.
 */
import type { PartName, PartView, RunSummary, TakeView } from "../core/types.ts";

/** An API call that failed, with a message a creator can act on; `status` 0 when the server was not reached. */
export class ApiCallError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = "ApiCallError";
  }
}

/** Which scenes Generate All covers (see core/engine/runs.ts). */
export type GenerateScope = "missing" | "changed" | "all";

/** A sentence's kept takes, newest first, per part (GET /sentences/:id/takes). */
export type TakeLists = Record<PartName, TakeView[]>;

/** What the storyboard asks the server. The run calls answer with the run they started, cancelled or joined. */
export interface Api {
  generate(projectId: number, scope?: GenerateScope): Promise<RunSummary | null>;
  cancel(projectId: number): Promise<RunSummary | null>;
  /** Retries every failed scene of the project, or only those of `sentenceIds`. */
  retry(projectId: number, sentenceIds?: number[]): Promise<RunSummary | null>;
  /** Makes a scene's parts again ("image" alone leaves the video as it is, out of date). */
  regenerate(sentenceId: number, parts: PartName[]): Promise<RunSummary | null>;
  takes(sentenceId: number): Promise<TakeLists>;
  /** Makes an earlier take the one the part shows; answers with the part's new state. */
  chooseTake(sentenceId: number, part: PartName, takeId: number): Promise<PartView>;
}

/**
 * Reads a run summary from an API answer (`{run}`) or from a `run.*` event's data (the summary
 * itself); null when there is none.
 *
 * @example
 * runFrom({ run: summary }) === runFrom(summary); // same shape either way
 */
export function runFrom(data: unknown): RunSummary | null {
  if (!data || typeof data !== "object") return null;
  const d = data as Record<string, unknown>;
  const candidate = (d.run && typeof d.run === "object" ? d.run : d) as Partial<RunSummary>;
  if (typeof candidate.id !== "number" || typeof candidate.status !== "string") return null;
  if (typeof candidate.totalScenes !== "number") return null;
  return {
    failed: [],
    images: { done: 0, total: 0 },
    videos: { done: 0, total: 0 },
    audio: { done: 0, total: 0 },
    ...candidate,
  } as RunSummary;
}

/**
 * Calls `/api/v1<path>` (with `body` as JSON, or as it is for a file) and returns the parsed
 * answer (null for an empty body).
 * Throws {@link ApiCallError}: "Could not reach the server…" when the request did not get through,
 * else the server's `{error}` sentence, else "The server answered 502."
 *
 * @example
 * await callJson(fetch, "POST", "/projects/7/retry-failed-scenes", { sentenceIds: [11] });
 */
export async function callJson(
  fetchImpl: typeof fetch,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let res: Response;
  try {
    const file = body instanceof Blob; // a recording, sent as it is
    res = await fetchImpl(`/api/v1${path}`, {
      method,
      headers: body === undefined || file ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : file ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiCallError("Could not reach the server. Check that Scene Studio is running and try again.", 0);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch { /* not JSON: the status line says what happened */ }
  if (!res.ok) {
    const error = (json as { error?: unknown } | null)?.error;
    throw new ApiCallError(
      typeof error === "string" ? error : `The server answered ${res.status} ${res.statusText}`.trim() + ".",
      res.status,
    );
  }
  return json;
}

/** The {@link Api} over `fetchImpl` (the browser's fetch by default). */
export function createApi(fetchImpl: typeof fetch = (input, init) => fetch(input, init)): Api {
  const call = (method: string, path: string, body?: unknown) => callJson(fetchImpl, method, path, body);
  const post = async (path: string, body?: unknown) => runFrom(await call("POST", path, body));
  return {
    generate: (projectId, scope) =>
      post(`/projects/${projectId}/generate-scenes`, scope && scope !== "missing" ? { scope } : undefined),
    cancel: (projectId) => post(`/projects/${projectId}/cancel-scenes`),
    retry: (projectId, sentenceIds) =>
      post(`/projects/${projectId}/retry-failed-scenes`, sentenceIds ? { sentenceIds } : {}),
    regenerate: (sentenceId, parts) => post(`/sentences/${sentenceId}/regenerate`, { parts }),
    takes: async (sentenceId) => await call("GET", `/sentences/${sentenceId}/takes`) as TakeLists,
    chooseTake: async (sentenceId, part, takeId) =>
      await call("PUT", `/sentences/${sentenceId}/takes/current`, { part, takeId }) as PartView,
  };
}

/** {@link callJson} with POST: the storyboard's actions. */
export function postJson(fetchImpl: typeof fetch, path: string, body?: unknown): Promise<unknown> {
  return callJson(fetchImpl, "POST", path, body);
}
