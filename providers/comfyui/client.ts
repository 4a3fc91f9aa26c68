/**
 * A thin HTTP client for one ComfyUI server (FACTS.md §1, §6): Deno `fetch`, no npm client. Every
 * call takes an AbortSignal and has its own timeout; failures come out as two typed errors that
 * errors.ts turns into sentences:
 *
 * - {@link ComfyRequestError}: the server could not be reached, timed out, answered 5xx or spoke
 *   nonsense (what `reason` says);
 * - {@link PromptRejectedError}: `POST /prompt` refused the graph (400 with `error` and
 *   `node_errors`), or queued it with `node_errors` on a 200, which for our single-output workflows
 *   is a failure too.
 *
 * An abort by the caller's signal rejects with the signal's reason, untouched. The WebSocket lives
 * in socket.ts.
 */
import { dirname, join } from "node:path";
import type { ApiGraph } from "./graph.ts";

/** Why a request failed. */
export type RequestFailure = "refused" | "timeout" | "http" | "protocol";

/** A request to ComfyUI that failed for a reason other than the caller aborting it. */
export class ComfyRequestError extends Error {
  constructor(
    readonly reason: RequestFailure,
    readonly server: string,
    readonly path: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ComfyRequestError";
  }
}

/** One entry of `node_errors[id].errors`. */
export interface NodeErrorItem {
  type: string;
  message: string;
  details?: string;
  extra_info?: { input_name?: string; input_config?: unknown; received_value?: unknown; [key: string]: unknown };
}

/** `node_errors[id]`. */
export interface NodeErrors {
  errors: NodeErrorItem[];
  class_type?: string;
  dependent_outputs?: string[];
}

/** ComfyUI refused a prompt (or queued it only in part). */
export class PromptRejectedError extends Error {
  constructor(
    readonly status: number,
    readonly error: { type: string; message: string; details?: string; extra_info?: Record<string, unknown> },
    readonly nodeErrors: Record<string, NodeErrors>,
    /** Set when the server queued the prompt anyway (200 with node_errors): it must be removed. */
    readonly queuedPromptId?: string,
  ) {
    super(`ComfyUI refused the prompt: ${error.type}: ${error.message}`);
    this.name = "PromptRejectedError";
  }
}

/** A file a prompt wrote, as `/history` and `executed` list it. */
export interface OutputFile {
  filename: string;
  subfolder: string;
  type: string;
}

/** `GET /history/{id}` for one prompt. */
export interface HistoryEntry {
  status?: { status_str?: string; completed?: boolean; messages?: [string, Record<string, unknown>][] };
  outputs: Record<string, Record<string, unknown>>;
}

/** One queue item (ComfyUI sends 5-tuples `[number, prompt_id, prompt, extra_data, outputs]`). */
export interface QueueItem {
  number: number;
  promptId: string;
  clientId?: string;
}

/** `GET /queue`. */
export interface QueueState {
  running: QueueItem[];
  pending: QueueItem[];
}

/** The GPU part of `/system_stats`. */
export interface DeviceStats {
  name: string;
  type?: string;
  vram_total: number;
  vram_free: number;
}

/** `GET /system_stats`. */
export interface SystemStats {
  system: { comfyui_version?: string; [key: string]: unknown };
  devices: DeviceStats[];
}

/** One node class of `/object_info`, as much as we read of it. */
export interface NodeInfo {
  input?: { required?: Record<string, unknown>; optional?: Record<string, unknown> };
  output_node?: boolean;
  [key: string]: unknown;
}

/** Options of {@link ComfyClient}. */
export interface ComfyClientOptions {
  /** `http://gpu-box:8188` (a path prefix is kept: `https://host/comfy`). */
  baseUrl: string;
  /** Sent as `client_id` with every prompt (the WebSocket's `clientId`). */
  clientId: string;
  /** Timeout of one ordinary request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Timeout of one `/view` download. Default 10 minutes. */
  downloadTimeoutMs?: number;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The HTTP API of one ComfyUI server. */
export class ComfyClient {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly #timeoutMs: number;
  readonly #downloadTimeoutMs: number;

  constructor(options: ComfyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.clientId = options.clientId;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#downloadTimeoutMs = options.downloadTimeoutMs ?? 600_000;
  }

  /** The WebSocket URL for this client's id. */
  get wsUrl(): string {
    return `${this.baseUrl.replace(/^http/, "ws")}/ws?clientId=${encodeURIComponent(this.clientId)}`;
  }

  /** `GET /system_stats`: version, RAM and GPUs (the cheapest "is it up" call). */
  async systemStats(options: CallOptions = {}): Promise<SystemStats> {
    const body = await this.#json("/system_stats", {}, options) as Partial<SystemStats>;
    if (!body || !Array.isArray(body.devices)) throw this.#protocol("/system_stats", "it has no devices list");
    return { system: body.system ?? {}, devices: body.devices };
  }

  /** `GET /object_info/{class}`: `undefined` when the server has no such node class. */
  async nodeInfo(classType: string, options: CallOptions = {}): Promise<NodeInfo | undefined> {
    const body = await this.#json(`/object_info/${encodeURIComponent(classType)}`, {}, options);
    return (body as Record<string, NodeInfo>)?.[classType];
  }

  /** `GET /object_info`: every node class (several MB on a real server; prefer {@link nodeInfo}). */
  async objectInfo(options: CallOptions = {}): Promise<Record<string, NodeInfo>> {
    return await this.#json("/object_info", {}, options) as Record<string, NodeInfo>;
  }

  /** `GET /models/{folder}`: the files in a model folder, `undefined` when the folder is unknown. */
  async models(folder: string, options: CallOptions = {}): Promise<string[] | undefined> {
    const res = await this.#fetch(`/models/${encodeURIComponent(folder)}`, {}, options);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    const body = await this.#read(res, `/models/${folder}`);
    return Array.isArray(body) ? body.filter((x): x is string => typeof x === "string") : [];
  }

  /**
   * `POST /upload/image` (multipart `image`, `overwrite`): returns the name to put in `LoadImage`,
   * which the server may have changed (`name (1).png`), with its subfolder prefixed when there is one.
   */
  async uploadImage(bytes: Uint8Array, filename: string, options: CallOptions = {}): Promise<string> {
    const form = new FormData();
    form.append("image", new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "image/png" }), filename);
    form.append("overwrite", "true");
    form.append("type", "input");
    const body = await this.#json("/upload/image", { method: "POST", body: form }, options) as {
      name?: unknown;
      subfolder?: unknown;
    };
    if (typeof body?.name !== "string" || !body.name) throw this.#protocol("/upload/image", "it has no name");
    return typeof body.subfolder === "string" && body.subfolder ? `${body.subfolder}/${body.name}` : body.name;
  }

  /**
   * `POST /prompt` with our `client_id` and a fresh lowercase UUID `prompt_id`; returns the id the
   * server really used (old servers mint their own) and its queue number. Throws
   * {@link PromptRejectedError} for a 400, and for a 200 that carries `node_errors`.
   */
  async submit(
    graph: ApiGraph,
    promptId: string,
    options: CallOptions = {},
  ): Promise<{ promptId: string; number: number }> {
    const res = await this.#fetch(
      "/prompt",
      jsonBody({ prompt: graph, client_id: this.clientId, prompt_id: promptId }),
      options,
    );
    if (res.status === 400) {
      const body = await this.#read(res, "/prompt", { refusal: true }) as {
        error?: unknown;
        node_errors?: Record<string, NodeErrors>;
      };
      const error = typeof body?.error === "object" && body.error
        ? body.error as PromptRejectedError["error"]
        : { type: "unknown", message: String(body?.error ?? "Bad request") };
      throw new PromptRejectedError(400, error, body?.node_errors ?? {});
    }
    const body = await this.#read(res, "/prompt") as { prompt_id?: unknown; number?: unknown; node_errors?: unknown };
    if (typeof body?.prompt_id !== "string") throw this.#protocol("/prompt", "it has no prompt_id");
    const nodeErrors = (body.node_errors ?? {}) as Record<string, NodeErrors>;
    if (Object.keys(nodeErrors).length > 0) {
      throw new PromptRejectedError(
        200,
        { type: "prompt_outputs_failed_validation", message: "Some outputs failed validation" },
        nodeErrors,
        body.prompt_id,
      );
    }
    return { promptId: body.prompt_id, number: typeof body.number === "number" ? body.number : NaN };
  }

  /** `GET /queue`: what runs and what waits (pending in the server's heap order, unsorted). */
  async queue(options: CallOptions = {}): Promise<QueueState> {
    const body = await this.#json("/queue", {}, options) as { queue_running?: unknown[]; queue_pending?: unknown[] };
    return { running: queueItems(body?.queue_running), pending: queueItems(body?.queue_pending) };
  }

  /** `GET /history/{id}`: the finished prompt, or `undefined` while it is queued, running or unknown. */
  async history(promptId: string, options: CallOptions = {}): Promise<HistoryEntry | undefined> {
    const body = await this.#json(`/history/${encodeURIComponent(promptId)}`, {}, options) as Record<string, unknown>;
    const entry = body?.[promptId] as Partial<HistoryEntry> | undefined;
    if (!entry || typeof entry !== "object") return undefined;
    return { status: entry.status, outputs: entry.outputs && typeof entry.outputs === "object" ? entry.outputs : {} };
  }

  /** `POST /queue {delete: ids}`: removes pending prompts (a running one is not affected). */
  async deletePending(promptIds: string[], options: CallOptions = {}): Promise<void> {
    await this.#json("/queue", jsonBody({ delete: promptIds }), options, true);
  }

  /**
   * `POST /interrupt`: with a prompt id, newer servers stop only that prompt if it runs; older ones
   * ignore the body and stop whatever runs, so callers check `/queue` first (see provider.ts).
   */
  async interrupt(promptId?: string, options: CallOptions = {}): Promise<void> {
    await this.#json("/interrupt", jsonBody(promptId ? { prompt_id: promptId } : {}), options, true);
  }

  /**
   * `GET /view` streamed to `destPath` through a temporary file in the same folder, renamed when
   * complete (never whole in memory; a failed download leaves nothing). Returns the bytes written.
   */
  async download(file: OutputFile, destPath: string, options: CallOptions = {}): Promise<number> {
    const query = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type });
    const path = `/view?${query}`;
    const res = await this.#fetch(path, {}, { ...options, timeoutMs: options.timeoutMs ?? this.#downloadTimeoutMs });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new ComfyRequestError("http", this.baseUrl, "/view", `ComfyUI answered ${res.status} to /view`, res.status);
    }
    const part = join(dirname(destPath), `.${crypto.randomUUID().slice(0, 8)}.download`);
    try {
      const out = await Deno.open(part, { write: true, createNew: true });
      let bytes = 0;
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      try {
        await res.body.pipeThrough(counter).pipeTo(out.writable);
      } catch (error) {
        throw this.#failure(error, "/view", options.signal);
      }
      await Deno.rename(part, destPath);
      return bytes;
    } catch (error) {
      await Deno.remove(part).catch(() => {});
      throw error;
    }
  }

  async #json(path: string, init: RequestInit, options: CallOptions, allowEmpty = false): Promise<unknown> {
    return await this.#read(await this.#fetch(path, init, options), path, { allowEmpty });
  }

  /** Fetches with the caller's signal and a timeout; 5xx and network failures become ComfyRequestError. */
  async #fetch(path: string, init: RequestInit, options: CallOptions): Promise<Response> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { ...init, signal });
    } catch (error) {
      throw this.#failure(error, path, options.signal);
    }
    if (res.status >= 500) {
      const text = (await res.text().catch(() => "")).slice(0, 300);
      throw new ComfyRequestError(
        "http",
        this.baseUrl,
        path,
        `ComfyUI answered ${res.status} to ${path.split("?")[0]}${text ? `: ${text}` : ""}`,
        res.status,
      );
    }
    return res;
  }

  /** The JSON body; `allowEmpty` takes an empty body as undefined, `refusal` reads a 4xx body too. */
  async #read(res: Response, path: string, how: { allowEmpty?: boolean; refusal?: boolean } = {}): Promise<unknown> {
    const text = await res.text().catch((error) => {
      throw new ComfyRequestError("protocol", this.baseUrl, path, `reading the answer to ${path} failed`, res.status, {
        cause: error,
      });
    });
    if (!res.ok && !how.refusal) {
      throw new ComfyRequestError("http", this.baseUrl, path, `ComfyUI answered ${res.status} to ${path}`, res.status);
    }
    if (how.allowEmpty && text.trim() === "") return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw this.#protocol(path, "it is not JSON");
    }
  }

  #failure(error: unknown, path: string, callerSignal?: AbortSignal): unknown {
    if (callerSignal?.aborted) return callerSignal.reason;
    if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return new ComfyRequestError("timeout", this.baseUrl, path, `ComfyUI did not answer ${path} in time`, undefined, {
        cause: error,
      });
    }
    if (error instanceof ComfyRequestError) return error;
    return new ComfyRequestError("refused", this.baseUrl, path, `ComfyUI could not be reached for ${path}`, undefined, {
      cause: error,
    });
  }

  #protocol(path: string, what: string): ComfyRequestError {
    return new ComfyRequestError("protocol", this.baseUrl, path, `The answer to ${path} is not ComfyUI's: ${what}`);
  }
}

function jsonBody(value: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

function queueItems(list: unknown[] | undefined): QueueItem[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    if (!Array.isArray(item) || typeof item[1] !== "string") return [];
    const extra = item[3] as { client_id?: unknown } | undefined;
    return [{
      number: typeof item[0] === "number" ? item[0] : NaN,
      promptId: item[1],
      clientId: typeof extra?.client_id === "string" ? extra.client_id : undefined,
    }];
  });
}
