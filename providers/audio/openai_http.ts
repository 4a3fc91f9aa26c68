/**
 * HTTP plumbing shared by the OpenAI-compatible speech and transcription clients (and the prompt
 * writer's chat client, providers/prompts/chat_client.ts): where the
 * endpoint is, one request with a timeout and the caller's AbortSignal, and failures turned into
 * {@link ProviderError}s a creator can act on (bad key, unknown model or voice: permanent; busy,
 * down, slow: transient). Messages name the server by host only, never a key.
 */
import { ProviderError } from "./types.ts";

/** Which service a request was for, for messages: "speech server", "transcription server". */
export interface ServiceNames {
  /** "speech server" */
  service: string;
  /** The variables to check: "TTS_API_URL", "TTS_API_KEY", "TTS_MODEL and TTS_VOICE". */
  urlVariable: string;
  keyVariable: string;
  modelVariables: string;
}

/**
 * The full endpoint URL from a configured base: `http://host:8880` and `http://host:8880/v1` both
 * become `http://host:8880/v1/audio/speech`; a URL already ending in the path is kept.
 *
 * @example
 * endpointUrl("http://127.0.0.1:8880/v1", "audio/speech") // "http://127.0.0.1:8880/v1/audio/speech"
 */
export function endpointUrl(
  base: string,
  path: "audio/speech" | "audio/transcriptions" | "chat/completions",
): string {
  const url = new URL(base);
  const trimmed = url.pathname.replace(/\/+$/, "");
  if (trimmed.endsWith(`/${path}`)) return url.toString();
  url.pathname = trimmed.endsWith("/v1") ? `${trimmed}/${path}` : `${trimmed}/v1/${path}`;
  return url.toString();
}

/** Options of {@link postToServer}. */
export interface PostOptions {
  body: BodyInit;
  headers?: Record<string, string>;
  apiKey?: string;
  signal: AbortSignal;
  timeoutMs: number;
  names: ServiceNames;
}

/**
 * POSTs to `url` and returns the response when it is 2xx. Throws `signal.reason` when the caller
 * aborts, a transient {@link ProviderError} on timeouts, refused connections, 429 and 5xx, and a
 * permanent one on other 4xx answers, quoting the server's own error message.
 */
export async function postToServer(url: string, options: PostOptions): Promise<Response> {
  const { signal, names } = options;
  signal.throwIfAborted();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: options.body,
      headers: {
        ...options.headers,
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw timedOut(names, host, options.timeoutMs, error);
    throw new ProviderError(
      `The ${names.service} at ${host} could not be reached (${errorText(error)}). ` +
        `Check that it is running and that ${names.urlVariable} points to it.`,
      { transient: true, cause: error },
    );
  }
  if (response.ok) return response;
  const detail = await errorDetail(response);
  throw statusError(response.status, detail, host, names);
}

/** A {@link ProviderError} for an HTTP error status (pure; exported for its table test). */
export function statusError(status: number, detail: string, host: string, names: ServiceNames): ProviderError {
  const said = detail ? `: ${detail}` : "";
  const permanent = (message: string) => new ProviderError(message, { transient: false });
  if (status === 401 || status === 403) {
    return permanent(
      `The ${names.service} at ${host} refused the API key (HTTP ${status}${said}). Set ${names.keyVariable} to a key it accepts.`,
    );
  }
  if (status === 404) {
    return permanent(
      `The ${names.service} at ${host} answered "not found" (HTTP 404${said}). ` +
        `Check that ${names.urlVariable} is the server's base URL and that ${names.modelVariables} name what it offers.`,
    );
  }
  if (status === 429) {
    return new ProviderError(
      `The ${names.service} at ${host} is busy or over its rate limit (HTTP 429${said}); it will be tried again.`,
      { transient: true },
    );
  }
  if (status >= 500) {
    return new ProviderError(
      `The ${names.service} at ${host} failed (HTTP ${status}${said}); it will be tried again.`,
      { transient: true },
    );
  }
  return permanent(
    `The ${names.service} at ${host} rejected the request (HTTP ${status}${said}). Check ${names.modelVariables}.`,
  );
}

/** A transient {@link ProviderError} for a request that took longer than `timeoutMs`. */
export function timedOut(names: ServiceNames, host: string, timeoutMs: number, cause?: unknown): ProviderError {
  return new ProviderError(
    `The ${names.service} at ${host} did not answer within ${seconds(timeoutMs)} s; it will be tried again.`,
    { transient: true, cause },
  );
}

/** The server's own error sentence: OpenAI `{error: {message}}`, FastAPI `{detail}`, or plain text. */
async function errorDetail(response: Response): Promise<string> {
  let text = "";
  try {
    text = (await response.text()).trim();
  } catch {
    return "";
  }
  try {
    const body = JSON.parse(text);
    const candidate = body?.error?.message ?? body?.error ?? body?.detail?.message ?? body?.detail ?? body?.message;
    if (typeof candidate === "string") text = candidate;
    else if (candidate !== undefined) text = JSON.stringify(candidate);
  } catch {
    // Not JSON: keep the text.
  }
  text = text.replace(/\s+/g, " ").trim();
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
