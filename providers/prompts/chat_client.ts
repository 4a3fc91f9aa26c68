/**
 * One request to an OpenAI-compatible `POST /v1/chat/completions` (OpenAI, Ollama, llama.cpp
 * server, vLLM, LM Studio): the messages, the model, the key as a Bearer token when there is one,
 * and JSON mode (`response_format: {type: "json_object"}`) unless the server said it does not take
 * it. Answers the message text and why the model stopped. HTTP failures become ProviderErrors
 * through providers/audio/openai_http.ts (bad key, unknown model: permanent; busy, down, slow:
 * transient); messages name the server by host, never the key.
 */
import { endpointUrl, postToServer, type ServiceNames } from "../audio/openai_http.ts";
import type { ChatMessage } from "./chat_messages.ts";
import { ProviderError } from "./types.ts";

/** The server a writer talks to. */
export interface ChatServer {
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** What the model answered. */
export interface ChatAnswer {
  content: string;
  /** `stop`, `length` (cut off at the server's output limit), … or null when not said. */
  finishReason: string | null;
}

export const CHAT_NAMES: ServiceNames = {
  service: "prompt writer's chat server",
  urlVariable: "PROMPT_API_URL",
  keyVariable: "PROMPT_API_KEY",
  modelVariables: "PROMPT_MODEL",
};

/** Whether a permanent failure is the server refusing JSON mode (then the request is sent without it). */
export function refusedJsonMode(error: unknown): boolean {
  return error instanceof ProviderError && !error.transient &&
    /response_format|json_object|json mode/i.test(error.message);
}

/**
 * Sends one chat request and returns the answer's text.
 *
 * @example
 * const { content } = await chatCompletion(server, { messages, jsonMode: true, signal });
 */
export async function chatCompletion(
  server: ChatServer,
  request: { messages: ChatMessage[]; jsonMode: boolean; signal: AbortSignal },
): Promise<ChatAnswer> {
  const url = endpointUrl(server.url, "chat/completions");
  const host = new URL(url).host;
  const body = {
    model: server.model,
    messages: request.messages,
    stream: false,
    ...(request.jsonMode ? { response_format: { type: "json_object" } } : {}),
  };
  const response = await postToServer(url, {
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
    apiKey: server.apiKey,
    signal: request.signal,
    timeoutMs: server.timeoutMs,
    names: CHAT_NAMES,
  });
  let data: unknown;
  try {
    data = await response.json();
  } catch (error) {
    if (request.signal.aborted) throw request.signal.reason;
    if (error instanceof SyntaxError) throw notCompletion(host);
    throw new ProviderError(
      `The connection to the ${CHAT_NAMES.service} at ${host} broke off while it answered; it will be tried again.`,
      { transient: true, cause: error },
    );
  }
  const choice = (data as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] })?.choices?.[0];
  if (!choice || typeof choice !== "object") throw notCompletion(host);
  return { content: messageText(choice.message?.content), finishReason: stringOrNull(choice.finish_reason) };
}

/** The text of a message's content: a string, or a list of parts (`[{type: "text", text}]`). */
function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("");
  }
  return "";
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function notCompletion(host: string): ProviderError {
  return new ProviderError(
    `The ${CHAT_NAMES.service} at ${host} did not answer like an OpenAI-compatible chat server (no "choices" in its answer). ` +
      `Check that PROMPT_API_URL is its base URL, e.g. http://127.0.0.1:11434/v1 for Ollama.`,
    { transient: false },
  );
}
