/**
 * The storyboard's calls to the JSON API (`/api/v1`): start, cancel and retry a project's bulk
 * generation. Every failure ends as an {@link ApiCallError} whose message a creator can read — the
 * server's own `{error}` sentence when it sent one.
 */
import type { RunSummary } from "../core/types.ts";

/** An API call that failed, with a message a creator can act on; `status` 0 when the server was not reached. */
export class ApiCallError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = "ApiCallError";
  }
}

/** What the storyboard asks the server. Each answers with the run it started, cancelled or retried into. */
export interface Api {
  generate(projectId: number): Promise<RunSummary | null>;
  cancel(projectId: number): Promise<RunSummary | null>;
  /** Retries every failed scene of the project, or only those of `sentenceIds`. */
  retry(projectId: number, sentenceIds?: number[]): Promise<RunSummary | null>;
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
 * POSTs to `/api/v1<path>` (with `body` as JSON, or as it is for a file) and returns the parsed
 * answer (null for an empty body).
 * Throws {@link ApiCallError}: "Could not reach the server…" when the request did not get through,
 * else the server's `{error}` sentence, else "The server answered 502."
 *
 * @example
 * await postJson(fetch, "/projects/7/retry-failed-scenes", { sentenceIds: [11] });
 */
export async function postJson(fetchImpl: typeof fetch, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    const file = body instanceof Blob; // a recording, sent as it is
    res = await fetchImpl(`/api/v1${path}`, {
      method: "POST",
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
  const post = async (projectId: number, action: string, body?: unknown) =>
    runFrom(await postJson(fetchImpl, `/projects/${projectId}/${action}`, body));
  return {
    generate: (projectId) => post(projectId, "generate-scenes"),
    cancel: (projectId) => post(projectId, "cancel-scenes"),
    retry: (projectId, sentenceIds) => post(projectId, "retry-failed-scenes", sentenceIds ? { sentenceIds } : {}),
  };
}
