/**
 * Turns what ComfyUI reports into {@link ProviderError}s: a sentence the creator can act on, and
 * whether a retry may help (FACTS.md §3). Pure: the provider gathers the facts (the graph, the model
 * list, the attempt) and calls these.
 *
 * | what | transient? |
 * | --- | --- |
 * | refused connection, timeout, 5xx, a broken answer | yes |
 * | 400 with node_errors (a missing model: `value_not_in_list`) | no: names node, input, value and a few files the server has |
 * | `missing_node_type` | no: names the custom node pack to install |
 * | `execution_error` out of memory | yes; the last attempt suggests the lighter preset |
 * | other `execution_error` | no, with ComfyUI's message |
 * | interrupted by someone else, prompt lost by a restart, per-part timeout | yes |
 *
 * Messages never contain absolute paths of the server: {@link stripPaths} keeps only file names.
 */
import { ProviderError } from "../types.ts";
import type { ComfyRequestError, NodeErrors, PromptRejectedError } from "./client.ts";
import { type ApiGraph, describeNode } from "./graph.ts";
import { howToInstall, modelFolderFor } from "./node_knowledge.ts";
import type { Workflow } from "./workflow.ts";

/** What `execution_error` (WebSocket, or the last history message) carries. */
export interface ExecutionErrorData {
  node_id?: string;
  node_type?: string;
  exception_type?: string;
  exception_message?: string;
}

/** How many model names a message lists at most. */
const LISTED_MODELS = 5;

/** Replaces absolute file paths (POSIX and Windows) by their file names. */
export function stripPaths(text: string): string {
  return text
    .replace(/(?:[A-Za-z]:)?[\\/](?:[^\s'"`\\/:]+[\\/])+([^\s'"`\\/]*)/g, (_match, base: string) => base || "…")
    .trim();
}

/** Whether an execution error is the GPU (or the host) running out of memory. */
export function isOutOfMemory(error: ExecutionErrorData): boolean {
  const type = error.exception_type ?? "";
  const message = (error.exception_message ?? "").toLowerCase();
  return /OutOfMemoryError$/.test(type) || message.includes("out of memory") ||
    message.includes("allocation on device");
}

/** A failed request (not a rejection): always transient, except 4xx answers that mean "not ComfyUI". */
export function requestFailure(error: ComfyRequestError): ProviderError {
  const at = `The ComfyUI server at ${error.server}`;
  switch (error.reason) {
    case "refused":
      return new ProviderError(`${at} could not be reached (connection refused or no route). Is ComfyUI running?`, {
        transient: true,
        cause: error,
      });
    case "timeout":
      return new ProviderError(`${at} did not answer in time; it may be busy or stuck. The part will be retried.`, {
        transient: true,
        cause: error,
      });
    case "http":
      if (error.status !== undefined && error.status < 500) {
        return new ProviderError(
          `${at} answered ${error.status} to ${
            error.path.split("?")[0]
          }; check that COMFYUI_URL points at ComfyUI itself.`,
          { transient: false, cause: error },
        );
      }
      return new ProviderError(`${at} had an internal error (HTTP ${error.status}). The part will be retried.`, {
        transient: true,
        cause: error,
      });
    case "protocol":
      return new ProviderError(`${at} sent an answer that is not ComfyUI's (${stripPaths(error.message)}).`, {
        transient: true,
        cause: error,
      });
  }
}

/** Facts a rejection message may use. */
export interface RejectionContext {
  graph: ApiGraph;
  workflow: Pick<Workflow, "label" | "setting">;
  /** Files the server has in the folder of a missing model (from `/models/{folder}`), if known. */
  available?: string[];
}

/** A refused prompt (`POST /prompt` 400, or 200 with node_errors): permanent, except a lost upload. */
export function rejectionFailure(rejection: PromptRejectedError, context: RejectionContext): ProviderError {
  const { error, nodeErrors } = rejection;
  const { graph, workflow } = context;
  if (error.type === "missing_node_type") {
    const info = error.extra_info ?? {};
    const classType = String(info.class_type ?? "?");
    const nodeId = typeof info.node_id === "string" ? info.node_id : undefined;
    const where = nodeId ? describeNode(graph, nodeId) : "a node";
    return new ProviderError(
      `ComfyUI cannot run ${workflow.label}: ${where} needs the node type "${classType}", which the server does not have; ${
        howToInstall(classType)
      }.`,
      { transient: false, cause: rejection },
    );
  }
  const first = firstNodeError(nodeErrors);
  if (!first) {
    return new ProviderError(
      `ComfyUI refused ${workflow.label}: ${stripPaths(error.message)}${
        error.details ? ` (${stripPaths(error.details)})` : ""
      }.`,
      { transient: false, cause: rejection },
    );
  }
  const { nodeId, item } = first;
  const input = item.extra_info?.input_name;
  const value = item.extra_info?.received_value;
  const where = describeNode(graph, nodeId);
  if (item.type === "value_not_in_list" && input) {
    const folder = modelFolderFor(input);
    const options = Array.isArray(item.extra_info?.input_config) && Array.isArray(item.extra_info.input_config[0])
      ? (item.extra_info.input_config[0] as unknown[]).map(String)
      : context.available;
    const has = options === undefined
      ? ""
      : options.length === 0
      ? ` The server has none in that folder.`
      : ` The server has: ${listSome(options)}.`;
    const fix = folder
      ? `put the file in ComfyUI/models/${folder}/ on the server (then restart ComfyUI or refresh its model list), or change ${workflow.setting}`
      : `change the value in the workflow (${workflow.setting})`;
    return new ProviderError(
      `ComfyUI does not have "${stripPaths(String(value))}" for input "${input}" of ${where}: ${fix}.${has}`,
      { transient: false, cause: rejection },
    );
  }
  if (item.type === "custom_validation_failed" && /invalid image file/i.test(item.details ?? "")) {
    return new ProviderError(
      `ComfyUI could not find the uploaded start image for ${where}; it may have restarted meanwhile. The part will be retried.`,
      { transient: true, cause: rejection },
    );
  }
  const detail = stripPaths(item.details || item.message);
  return new ProviderError(
    `ComfyUI refused ${workflow.label}: ${where}${input ? `, input "${input}"` : ""}: ${stripPaths(item.message)}${
      detail && detail !== stripPaths(item.message) ? ` (${detail})` : ""
    }.`,
    { transient: false, cause: rejection },
  );
}

/** Facts an execution error message may use. */
export interface ExecutionContext {
  graph: ApiGraph;
  workflow: Pick<Workflow, "label" | "setting" | "lighter" | "kind">;
  /** True on the engine's last attempt: an out-of-memory error then says what to change. */
  lastAttempt: boolean;
}

/** An `execution_error`: out of memory is transient (with a hint on the last attempt), others permanent. */
export function executionFailure(error: ExecutionErrorData, context: ExecutionContext): ProviderError {
  const where = error.node_id ? describeNode(context.graph, error.node_id) : "a node";
  if (isOutOfMemory(error)) {
    const { workflow } = context;
    const smaller = workflow.kind === "video" ? "shorter clips or a smaller size" : "a smaller size";
    const hint = workflow.lighter
      ? ` Set ${workflow.setting}=${workflow.lighter} for a lighter workflow, or free the GPU of other programs.`
      : ` Use a lighter workflow or ${smaller}, or free the GPU of other programs.`;
    return new ProviderError(
      `The GPU ran out of memory in ${where}.${context.lastAttempt ? hint : " The part will be retried."}`,
      { transient: true },
    );
  }
  const type = error.exception_type ? `${error.exception_type.replace(/^.*\./, "")}: ` : "";
  const message = stripPaths(firstLines(error.exception_message ?? "no message"));
  return new ProviderError(`ComfyUI failed in ${where}: ${type}${message}`.replace(/[.\s]*$/, "."), {
    transient: false,
  });
}

/** Our prompt was interrupted, but not by us (someone pressed Cancel in ComfyUI's UI). */
export function interruptedElsewhere(server: string): ProviderError {
  return new ProviderError(
    `The prompt was interrupted on the ComfyUI server at ${server} by someone else. The part will be retried.`,
    { transient: true },
  );
}

/** Our prompt is in neither the queue nor the history: the server restarted and lost it. */
export function lostPrompt(server: string): ProviderError {
  return new ProviderError(
    `The ComfyUI server at ${server} lost the prompt (it is neither queued nor finished; the server probably restarted). The part will be retried.`,
    { transient: true },
  );
}

/** The per-part time limit ran out. */
export function partTimeout(seconds: number): ProviderError {
  return new ProviderError(
    `ComfyUI did not finish this part within ${
      formatSeconds(seconds)
    } (COMFYUI_TIMEOUT_S); it was cancelled on the server and will be retried.`,
    { transient: true },
  );
}

function firstNodeError(nodeErrors: Record<string, NodeErrors>) {
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    const item = entry?.errors?.[0];
    if (item) return { nodeId, item };
  }
  return undefined;
}

function listSome(names: string[]): string {
  const shown = names.slice(0, LISTED_MODELS).map((n) => stripPaths(n)).join(", ");
  return names.length > LISTED_MODELS ? `${shown} and ${names.length - LISTED_MODELS} more` : shown;
}

function firstLines(text: string): string {
  return text.split(/\n\s*\n/)[0].replace(/\s+/g, " ").slice(0, 300);
}

function formatSeconds(seconds: number): string {
  if (seconds % 60 === 0) return seconds === 60 ? "1 minute" : `${seconds / 60} minutes`;
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}
