/**
 * The ComfyUI provider: stills from a text-to-image workflow, clips from a Wan 2.2 image-to-video
 * workflow fed with that still, on one ComfyUI server, one per part (COMFYUI_IMAGE_URL / _VIDEO_URL), or
 * several (COMFYUI_URLS): then the engine assigns each part a server (`request.server`,
 * core/engine/gpu_servers.ts) and the provider sends it there.
 *
 * Module design (each file one job; pure ones have table tests):
 *
 * | file | job |
 * | --- | --- |
 * | settings.ts | environment variables → {@link ComfyUISettings} (urls, workflows, timeout) |
 * | workflows/ | the built-in templates (API-format JSON) and their metadata (presets.ts) |
 * | workflow.ts | preset or custom JSON + binding file → one `Workflow` shape |
 * | graph.ts, bindings.ts | API-format graphs; binding inference and `applyBindings` (pure) |
 * | timing.ts | seconds → frames on the 4k+1 grid; aspect ratio → model size (pure) |
 * | client.ts | HTTP calls, each with an AbortSignal and a timeout; `/view` streamed to a file |
 * | socket.ts | one reconnecting WebSocket per server, keep-alive, messages by prompt id |
 * | follow.ts | one prompt to its outcome: socket hints, `/history` + `/queue` polling fallback |
 * | cancel.ts | takes a prompt off the server (delete if pending, interrupt if `/queue` shows it running) |
 * | outputs.ts | finds the result file in a prompt's history |
 * | object_info.ts, preflight.ts | the server has every node, input and model file (one sentence if not) |
 * | errors.ts, node_knowledge.ts | ComfyUI failures → transient/permanent sentences |
 * | media_check.ts | the downloaded file is a non-empty PNG / MP4 |
 *
 * One part (image or video): preflight the workflow once per server (cached on success) → for a
 * video, upload the still (`/upload/image`, use the returned name) → bind prompt, negative, seed,
 * size (rounded for the model), frames and fps (the workflow's grid) and a fresh filename prefix →
 * `POST /prompt` with our client id and a fresh UUID → follow it (progress; "waiting" while others'
 * prompts run first) → stream the output from `/view` into `outPath` → check its signature.
 *
 * Time: every part has a deadline (COMFYUI_TIMEOUT_S) covering all of it; when it passes the prompt
 * is cancelled on the server and a transient error says so.
 *
 * Cancel (the request's signal): `POST /queue {delete}` (pending), then — only if `/queue` shows our
 * prompt running — `POST /interrupt {prompt_id}`. Newer servers interrupt only that prompt; old ones
 * interrupt whatever runs, which the `/queue` check makes our prompt (FACTS.md §8.8). The provider
 * then waits (≤ 1.5 s) for ComfyUI to let go of it, so the server is idle when the engine moves on.
 */
import type {
  GeneratedMedia,
  ImageRequest,
  MediaKind,
  MediaProvider,
  ProviderStatus,
  VideoRequest,
  VideoTiming,
} from "../types.ts";
import { ProviderError } from "../types.ts";
import { applyBindings, type BindingValues } from "./bindings.ts";
import { cancelPrompt } from "./cancel.ts";
import { ComfyClient, ComfyRequestError, PromptRejectedError } from "./client.ts";
import {
  executionFailure,
  interruptedElsewhere,
  lostPrompt,
  partTimeout,
  rejectionFailure,
  requestFailure,
} from "./errors.ts";
import { followPrompt } from "./follow.ts";
import { checkMediaFile } from "./media_check.ts";
import { modelFolderFor } from "./node_knowledge.ts";
import { pickOutput } from "./outputs.ts";
import { preflightWorkflow } from "./preflight.ts";
import type { ComfyUIPartSettings, ComfyUISettings } from "./settings.ts";
import { ComfySocket, type ComfySocketOptions } from "./socket.ts";
import { clipTiming, sizeForAspect } from "./timing.ts";
import type { Workflow } from "./workflow.ts";

/** Tuning for tests; production uses the defaults. */
export interface ComfyUITuning {
  /** Poll interval while the socket is down or quiet. Default 2 s. */
  pollMs?: number;
  /** Silence about our prompt after which polling starts. Default 15 s. */
  quietMs?: number;
  /** How long the server may be unreachable mid-part before the part fails (transient). Default 60 s. */
  unreachableMs?: number;
  /** Timeout of one ordinary HTTP request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Longest wait for the socket before submitting. Default 2 s. */
  socketWaitMs?: number;
  socket?: Partial<Omit<ComfySocketOptions, "url">>;
}

/** The provider, plus `close()` for tests and shutdown (closes its sockets). */
export interface ComfyUIProvider extends MediaProvider {
  close(): void;
}

interface Server {
  client: ComfyClient;
  socket: ComfySocket;
  preflighted: Set<MediaKind>;
}

const PROGRESS_CLASS = /(^KSampler|^SamplerCustom|Sampler$)/;

/**
 * Creates the ComfyUI provider from {@link ComfyUISettings} (see settings.ts for the environment).
 *
 * @example
 * const provider = createComfyUIProvider(loadComfyUISettings(Deno.env.toObject(), { image: true, video: true }));
 * await provider.preflight?.(); // one sentence if a model or node is missing
 */
export function createComfyUIProvider(settings: ComfyUISettings, tuning: ComfyUITuning = {}): ComfyUIProvider {
  const clientId = crypto.randomUUID().replaceAll("-", "");
  const servers = new Map<string, Server>();
  const pollMs = tuning.pollMs ?? 2000;
  const quietMs = tuning.quietMs ?? 15_000;
  const unreachableMs = tuning.unreachableMs ?? 60_000;

  const serverAt = (url: string): Server => {
    let server = servers.get(url);
    if (!server) {
      const client = new ComfyClient({ baseUrl: url, clientId, requestTimeoutMs: tuning.requestTimeoutMs });
      const socket = new ComfySocket({ url: client.wsUrl, ...tuning.socket });
      servers.set(url, server = { client, socket, preflighted: new Set() });
    }
    return server;
  };
  const partOf = (kind: MediaKind): ComfyUIPartSettings => {
    const part = settings[kind];
    if (!part) {
      throw new ProviderError(
        `ComfyUI is not set up for ${kind}s: set ${kind.toUpperCase()}_PROVIDER=comfyui and COMFYUI_URL (or COMFYUI_${kind.toUpperCase()}_URL).`,
        { transient: false },
      );
    }
    return part;
  };

  /** The server a request goes to: the one the engine assigned, if this provider has it. */
  const urlFor = (kind: MediaKind, request: ImageRequest | VideoRequest): string => {
    const part = partOf(kind);
    if (request.server === undefined) return part.url;
    if (part.urls.includes(request.server)) return request.server;
    throw new ProviderError(
      `This ${kind} was assigned to the ComfyUI server ${request.server}, which this worker's settings no longer list (COMFYUI_URLS or COMFYUI_${kind.toUpperCase()}_URL); it will be assigned another server.`,
      { transient: true },
    );
  };

  const preflight = async (kind: MediaKind, url: string, signal?: AbortSignal) => {
    const part = partOf(kind);
    const server = serverAt(url);
    if (server.preflighted.has(kind)) return;
    try {
      await preflightWorkflow(part.workflow, url, (c) => server.client.nodeInfo(c, { signal }));
    } catch (error) {
      throw error instanceof ComfyRequestError ? requestFailure(error) : error;
    }
    server.preflighted.add(kind);
  };

  /** Runs one part from bound values to a checked file at `outPath`. */
  const runPart = async (
    kind: MediaKind,
    request: ImageRequest | VideoRequest,
    values: (server: Server, signal: AbortSignal) => Promise<Omit<BindingValues, "filenamePrefix">>,
  ): Promise<void> => {
    const { workflow } = partOf(kind);
    const url = urlFor(kind, request);
    const server = serverAt(url);
    const deadline = AbortSignal.timeout(settings.timeoutS * 1000);
    const signal = AbortSignal.any([request.signal, deadline]);
    const localId = crypto.randomUUID();
    let promptId: string | undefined;
    const holdSocket = server.socket.subscribe(localId, () => {});
    try {
      signal.throwIfAborted();
      await preflight(kind, url, signal);
      const graph = applyBindings(workflow.graph, workflow.bindings, {
        ...await values(server, signal),
        filenamePrefix: `scene-studio/${kind}-${localId.slice(0, 8)}`,
      });
      await server.socket.whenOpen(tuning.socketWaitMs ?? 2000);
      promptId = localId; // new servers use it; if the submit is cut short, cancel by it
      const submitted = await server.client.submit(graph, localId, { signal });
      promptId = submitted.promptId;
      const outcome = await followPrompt({
        client: server.client,
        socket: server.socket,
        promptId,
        number: submitted.number,
        progressNodes: Object.keys(graph).filter((id) => PROGRESS_CLASS.test(graph[id].class_type)),
        signal,
        onProgress: request.onProgress,
        onStatus: request.onStatus,
        pollMs,
        quietMs,
        unreachableMs,
      });
      switch (outcome.kind) {
        case "success":
          break;
        case "error":
          throw executionFailure(outcome.error, {
            graph,
            workflow,
            lastAttempt: request.maxAttempts !== undefined && request.attempt >= request.maxAttempts,
          });
        case "interrupted":
          throw interruptedElsewhere(url);
        case "lost":
          throw lostPrompt(url);
        case "unreachable":
          throw requestFailure(outcome.error);
      }
      const extension = kind === "image" ? "png" : "mp4";
      const file = pickOutput(outcome.entry, workflow.bindings.output!, extension);
      if (!file) {
        throw new ProviderError(
          `ComfyUI finished ${workflow.label} but listed no .${extension} file from its output node ${workflow.bindings.output}; check the workflow's save node.`,
          { transient: false },
        );
      }
      await server.client.download(file, request.outPath, { signal });
      await checkMediaFile(request.outPath, extension).catch(async (error) => {
        await Deno.remove(request.outPath).catch(() => {});
        throw error;
      });
      request.onProgress?.(1);
    } catch (error) {
      if (request.signal.aborted || deadline.aborted) {
        if (promptId) await cancelPrompt(server.client, promptId);
        if (request.signal.aborted) throw request.signal.reason;
        throw partTimeout(settings.timeoutS);
      }
      if (error instanceof PromptRejectedError) {
        if (error.queuedPromptId) await cancelPrompt(server.client, error.queuedPromptId);
        throw rejectionFailure(error, {
          graph: workflow.graph,
          workflow,
          available: await modelsForRejection(server.client, error),
        });
      }
      if (error instanceof ComfyRequestError) throw requestFailure(error);
      throw error;
    } finally {
      holdSocket();
    }
  };

  return {
    name: "comfyui",

    async generateImage(request: ImageRequest): Promise<GeneratedMedia> {
      const { workflow } = partOf("image");
      const size = sizeForAspect(request.width, request.height, workflow.size);
      await runPart("image", request, () =>
        Promise.resolve({
          prompt: request.prompt,
          negative: settings.negativePrompt,
          seed: checkSeed(request.seed),
          ...size,
        }));
      return { path: request.outPath, mimeType: "image/png", ...size };
    },

    async imageToVideo(request: VideoRequest): Promise<GeneratedMedia> {
      const { workflow } = partOf("video");
      const size = sizeForAspect(request.width, request.height, workflow.size);
      const timing = videoTimingOf(workflow, request.seconds);
      await runPart("video", request, async (server, signal) => {
        const bytes = await Deno.readFile(request.image).catch((error) => {
          throw error instanceof Deno.errors.NotFound
            ? new ProviderError(
              "The scene's still image is missing, so there is nothing to animate: generate the image again.",
              {
                transient: false,
              },
            )
            : error;
        });
        const image = await server.client.uploadImage(bytes, `scene-studio-${crypto.randomUUID()}.png`, { signal });
        return {
          prompt: request.prompt,
          negative: settings.negativePrompt,
          seed: checkSeed(request.seed),
          image,
          ...size,
          frames: timing.frames,
          fps: timing.fps,
        };
      });
      return {
        path: request.outPath,
        mimeType: "video/mp4",
        ...size,
        frames: timing.frames,
        fps: timing.fps,
        durationMs: Math.round(timing.seconds * 1000),
      };
    },

    async status(kind: MediaKind = "image"): Promise<ProviderStatus> {
      const part = settings[kind] ?? settings.image ?? settings.video;
      if (!part) return { reachable: false, message: "ComfyUI is not configured (COMFYUI_URL is not set)." };
      const each = await Promise.all(part.urls.map(serverStatus));
      if (each.length === 1) return each[0];
      // Several servers: reachable when all are; queues added up; the first GPU shown.
      const down = each.find((s) => !s.reachable);
      return {
        reachable: !down,
        server: part.urls.join(", "),
        message: down?.message,
        gpu: each.find((s) => s.gpu)?.gpu,
        queue: each.every((s) => s.queue)
          ? {
            running: each.reduce((n, s) => n + s.queue!.running, 0),
            pending: each.reduce((n, s) => n + s.queue!.pending, 0),
          }
          : undefined,
      };
    },

    async preflight(kind?: MediaKind): Promise<void> {
      const kinds = kind ? [kind] : (["image", "video"] as const).filter((k) => settings[k]);
      for (const k of kinds) await Promise.all(partOf(k).urls.map((url) => preflight(k, url)));
    },

    videoTiming(seconds: number): VideoTiming {
      return videoTimingOf(partOf("video").workflow, seconds);
    },

    serverKey(kind: MediaKind): string {
      return settings[kind]?.urls.join(",") ?? "";
    },

    close() {
      for (const server of servers.values()) server.socket.close();
      servers.clear();
    },
  };

  /** Reachability, GPU and queue of one server. */
  async function serverStatus(url: string): Promise<ProviderStatus> {
    const { client } = serverAt(url);
    try {
      const [stats, queue] = await Promise.all([
        client.systemStats({ timeoutMs: 5000 }),
        client.queue({ timeoutMs: 5000 }),
      ]);
      const device = stats.devices[0];
      return {
        reachable: true,
        server: url,
        gpu: device
          ? { name: gpuName(device.name), vramTotal: device.vram_total, vramFree: device.vram_free }
          : undefined,
        queue: { running: queue.running.length, pending: queue.pending.length },
      };
    } catch (error) {
      const message = error instanceof ComfyRequestError ? requestFailure(error).message : String(error);
      return { reachable: false, server: url, message };
    }
  }
}

/** "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync" (ComfyUI's device name) → "NVIDIA GeForce RTX 4090". */
function gpuName(device: string): string {
  return device.replace(/^\w+:\d+\s+/, "").replace(/\s*:\s*\w+$/, "").trim() || device;
}

function videoTimingOf(workflow: Workflow, seconds: number): VideoTiming {
  return clipTiming(seconds, workflow.grid ?? { fps: 16, maxFrames: 81 });
}

function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ProviderError(`The seed ${seed} is not a whole number between 0 and 2^53 − 1.`, { transient: false });
  }
  return seed;
}

/** For a missing model with a long option list (`input_config: null`), ask `/models/{folder}`. */
async function modelsForRejection(client: ComfyClient, rejection: PromptRejectedError): Promise<string[] | undefined> {
  for (const entry of Object.values(rejection.nodeErrors)) {
    for (const item of entry?.errors ?? []) {
      const folder = item.type === "value_not_in_list" ? modelFolderFor(item.extra_info?.input_name ?? "") : undefined;
      if (folder && !Array.isArray(item.extra_info?.input_config)) {
        return await client.models(folder, { timeoutMs: 5000 }).catch(() => undefined);
      }
    }
  }
  return undefined;
}
