/**
 * A fake ComfyUI for tests and benchmarks: a real HTTP + WebSocket server on 127.0.0.1 (port 0)
 * speaking ComfyUI's API as FACTS.md describes it (§1, §2, §9 checklist), so the provider is
 * exercised over real sockets. Routes are served both as `/x` and `/api/x`.
 *
 * - `POST /prompt` (validation in comfyui/validate.ts; `prompt_id` strict / accepted / ignored),
 *   `GET /prompt`, `GET|POST /queue` (delete, clear), `GET /history[/{id}]`, `POST /history`,
 *   `POST /interrupt` (targeted, or global like servers before mid-2025), `POST /upload/image`,
 *   `GET /view`, `GET /object_info[/{class}]`, `GET /models[/{folder}]`, `GET /system_stats`,
 *   `POST /free`, `GET /ws`; an Origin check like ComfyUI's (403 for a foreign Origin).
 * - One serial worker with ComfyUI's queue order and message order (comfyui/executor.ts).
 * - Scripting: timing knobs, injected failures (OOM, errors), removed node classes, model lists,
 *   socket drops / refusals / silence, restarts that lose queue and history (optionally refusing
 *   connections for a while), a node-start hook, pause/resume, a timeline and a request log.
 *
 * @example
 * const fake = await startFakeComfyUI({ stepMs: 5 });
 * // … point the provider at fake.url …
 * await fake.close();
 */
import { CATALOG, type ClassDef, renderClass } from "./comfyui/catalog.ts";
import { Executor, type ExecutorTiming, type Injection, type TimelineEntry } from "./comfyui/executor.ts";
import { type ConnectInfo, SocketHub } from "./comfyui/sockets.ts";
import { FileStore, type FolderType } from "./comfyui/files.ts";
import { validatePrompt } from "./comfyui/validate.ts";
import { PRESETS } from "../../providers/comfyui/workflows/presets.ts";

/** Options of {@link startFakeComfyUI}. */
export interface FakeComfyUIOptions extends Partial<ExecutorTiming> {
  /** Model files per folder; default: every file the built-in workflows need. */
  models?: Record<string, string[]>;
  /** "targeted" (default) honours `{prompt_id}`; "global" interrupts whatever runs (old servers). */
  interruptMode?: "targeted" | "global";
  /** "strict" (default) needs a canonical lowercase UUID; "accept" takes any; "ignore" mints its own (old servers). */
  promptIdMode?: "strict" | "accept" | "ignore";
  /** GPU name in /system_stats. */
  gpuName?: string;
}

/** One request the fake received. */
export interface LoggedRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** A running fake ComfyUI. */
export interface FakeComfyUI {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly executor: Executor;
  readonly files: FileStore;
  readonly timeline: TimelineEntry[];
  readonly requests: LoggedRequest[];
  readonly options: Required<Pick<FakeComfyUIOptions, "interruptMode" | "promptIdMode">>;
  /** Model files per folder (mutable). */
  readonly models: Record<string, string[]>;
  /** Node classes the server has (delete one to emulate a missing custom node). */
  readonly catalog: Record<string, ClassDef>;
  /** Answers the next `times` requests to `path` (no /api prefix) with `status` (a 5xx, say). */
  failRequests(path: string, status: number, times?: number): void;
  /** Makes the next matching node fail. */
  inject(injection: Injection): void;
  /** Called at every node start of every prompt (after the interrupt check). */
  onNodeStart(
    hook: ((info: { promptId: string; nodeId: string; classType: string }) => void | Promise<void>) | undefined,
  ): void;
  /** Closes every WebSocket from the server side; refuses new ones for `refuseMs`. */
  dropSockets(refuseMs?: number): void;
  /** While muted, nothing is sent on any socket (a silent stall). */
  muteSockets(muted: boolean): void;
  /** Loses queue, running prompt, history, loaded models and cache; with `downMs`, refuses connections that long. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Queues a prompt as another client (its own `client_id`); returns its id. */
  submitForeign(options?: { steps?: number; front?: boolean }): Promise<string>;
  /** Whether nothing runs or waits. */
  idle(): boolean;
  /** Number of open WebSockets. */
  socketCount(): number;
  /** Text frames clients sent (keep-alives and feature flags), newest last. */
  readonly clientFrames: string[];
  close(): Promise<void>;
}

const GIB = 1024 ** 3;

/** Starts a fake ComfyUI on 127.0.0.1 at a free port. */
export async function startFakeComfyUI(options: FakeComfyUIOptions = {}): Promise<FakeComfyUI> {
  const files = await FileStore.create();
  const models: Record<string, string[]> = options.models ? structuredClone(options.models) : defaultModels();
  const catalog: Record<string, ClassDef> = { ...CATALOG };
  const settings = {
    interruptMode: options.interruptMode ?? "targeted",
    promptIdMode: options.promptIdMode ?? "strict",
  };
  const requests: LoggedRequest[] = [];
  const httpFailures: { path: string; status: number; times: number }[] = [];
  const hub: SocketHub = new SocketHub((clientId): ConnectInfo => {
    const running = executor.running;
    return {
      queueRemaining: executor.queueRemaining,
      runningNode: running?.item.extra.client_id === clientId ? running.lastNode : undefined,
    };
  });
  const executor = new Executor(hub, files, {
    stepMs: options.stepMs ?? 5,
    nodeMs: options.nodeMs ?? 1,
    classMs: options.classMs ?? {},
    modelLoadMs: options.modelLoadMs ?? 0,
    previews: options.previews ?? false,
  }, () => catalog);
  const optionsFor = (folder: string) => folder === "input" ? files.inputFiles() : (models[folder] ?? []);

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const origin = request.headers.get("origin");
    if (origin) {
      const host = request.headers.get("host") ?? "";
      let originHost = "";
      try {
        originHost = new URL(origin).host;
      } catch { /* unparsable: differs */ }
      if (originHost !== host) return new Response("Forbidden", { status: 403 });
    }
    const path = url.pathname.startsWith("/api/") ? url.pathname.slice(4) : url.pathname;
    const method = request.method;
    const entry: LoggedRequest = { method, path: path + url.search };
    requests.push(entry);
    const failure = httpFailures.find((f) => f.path === path && f.times > 0);
    if (failure) {
      failure.times -= 1;
      await request.body?.cancel();
      return new Response("Internal Server Error", { status: failure.status });
    }
    const readJson = async () => {
      const text = await request.text();
      entry.body = text ? JSON.parse(text) : undefined;
      return entry.body as Record<string, unknown> | undefined;
    };

    if (path === "/ws" && method === "GET") return hub.upgrade(request, url);
    if (path === "/prompt" && method === "POST") return postPrompt(await readJson());
    if (path === "/prompt" && method === "GET") {
      return json({ exec_info: { queue_remaining: executor.queueRemaining } });
    }
    if (path === "/queue" && method === "GET") {
      const tuple = (i: typeof executor.pending[number]) => [i.number, i.promptId, i.graph, i.extra, i.outputs];
      return json({
        queue_running: executor.running ? [tuple(executor.running.item)] : [],
        queue_pending: executor.pending.map(tuple),
      });
    }
    if (path === "/queue" && method === "POST") {
      const body = await readJson();
      if (body?.clear) executor.clear();
      if (Array.isArray(body?.delete)) executor.delete(body.delete.map(String));
      return new Response(null, { status: 200 });
    }
    if (path === "/interrupt" && method === "POST") {
      const body = await readJson().catch(() => undefined);
      const target = typeof body?.prompt_id === "string" ? body.prompt_id : undefined;
      if (settings.interruptMode === "global" || !target) executor.interrupt();
      else if (executor.running?.item.promptId === target) executor.interrupt(target);
      return new Response(null, { status: 200 });
    }
    if (path === "/history" && method === "GET") {
      const max = Number(url.searchParams.get("max_items") ?? Infinity);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const entries = [...executor.history.entries()].slice(offset, offset + max);
      return json(Object.fromEntries(entries));
    }
    if (path.startsWith("/history/") && method === "GET") {
      const id = decodeURIComponent(path.slice("/history/".length));
      const found = executor.history.get(id);
      return json(found ? { [id]: found } : {});
    }
    if (path === "/history" && method === "POST") {
      const body = await readJson();
      if (body?.clear) executor.history.clear();
      if (Array.isArray(body?.delete)) { for (const id of body.delete) executor.history.delete(String(id)); }
      return new Response(null, { status: 200 });
    }
    if (path === "/upload/image" && method === "POST") return upload(request);
    if (path === "/view" && method === "GET") return view(url);
    if (path === "/object_info" && method === "GET") {
      return json(
        Object.fromEntries(Object.entries(catalog).map(([name, def]) => [name, renderClass(name, def, optionsFor)])),
      );
    }
    if (path.startsWith("/object_info/") && method === "GET") {
      const name = decodeURIComponent(path.slice("/object_info/".length));
      const def = catalog[name];
      return json(def ? { [name]: renderClass(name, def, optionsFor) } : {});
    }
    if (path === "/models" && method === "GET") return json(Object.keys(models));
    if (path.startsWith("/models/") && method === "GET") {
      const list = models[decodeURIComponent(path.slice("/models/".length))];
      return list ? json(list) : new Response("Not Found", { status: 404 });
    }
    if (path === "/system_stats" && method === "GET") return json(systemStats());
    if (path === "/free" && method === "POST") {
      const body = await readJson();
      executor.free({ unload: Boolean(body?.unload_models), free: Boolean(body?.free_memory) });
      return new Response(null, { status: 200 });
    }
    return new Response("Not Found", { status: 404 });
  };

  const postPrompt = (body: Record<string, unknown> | undefined): Response => {
    if (!body || !("prompt" in body)) {
      return json({
        error: { type: "no_prompt", message: "No prompt provided", details: "No prompt provided", extra_info: {} },
        node_errors: {},
      }, 400);
    }
    let promptId: string = crypto.randomUUID();
    const given = body.prompt_id;
    if (given !== undefined && given !== null && settings.promptIdMode !== "ignore") {
      const canonical = typeof given === "string" &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(given);
      if (settings.promptIdMode === "strict" && !canonical) {
        return json({
          error: {
            type: "invalid_prompt_id",
            message: "prompt_id must be a valid UUID",
            details:
              "prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one",
            extra_info: {},
          },
          node_errors: {},
        }, 400);
      }
      promptId = String(given);
    }
    const graph = body.prompt as Record<string, never>;
    const result = validatePrompt(graph, catalog, optionsFor);
    if (!result.ok) return json({ error: result.error, node_errors: result.nodeErrors }, 400);
    const clientId = typeof body.client_id === "string" ? body.client_id : undefined;
    const number = executor.put(promptId, graph, clientId, result.outputs, {
      front: body.front === true,
      number: typeof body.number === "number" ? body.number : undefined,
    });
    return json({ prompt_id: promptId, number, node_errors: result.nodeErrors });
  };

  const upload = async (request: Request): Promise<Response> => {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return new Response("Bad Request", { status: 400 });
    }
    const image = form.get("image");
    if (!(image instanceof File) || !image.name) return new Response("Bad Request", { status: 400 });
    const overwrite = ["true", "1"].includes(String(form.get("overwrite") ?? ""));
    const type = String(form.get("type") || "input") as FolderType;
    const subfolder = String(form.get("subfolder") ?? "");
    if (!["input", "temp", "output"].includes(type)) return new Response("Bad Request", { status: 400 });
    try {
      const name = await files.upload(
        image.name,
        new Uint8Array(await image.arrayBuffer()),
        type,
        subfolder,
        overwrite,
      );
      return json({ name, subfolder, type });
    } catch {
      return new Response("Bad Request", { status: 400 });
    }
  };

  const view = async (url: URL): Promise<Response> => {
    const filename = url.searchParams.get("filename") ?? "";
    const found = files.viewPath(
      filename,
      url.searchParams.get("type") ?? "output",
      url.searchParams.get("subfolder") ?? "",
    );
    if (typeof found === "number") return new Response(null, { status: found });
    const file = await Deno.open(found, { read: true });
    const name = found.split("/").pop()!;
    const type = name.endsWith(".png") ? "image/png" : name.endsWith(".mp4") ? "video/mp4" : "application/octet-stream";
    return new Response(file.readable, {
      headers: {
        "content-type": type,
        "content-disposition": `filename="${name}"`,
        "x-content-type-options": "nosniff",
      },
    });
  };

  const systemStats = () => {
    const used = executor.loaded.size * 2 * GIB;
    return {
      system: {
        os: "posix",
        ram_total: 64 * GIB,
        ram_free: 48 * GIB,
        comfyui_version: settings.interruptMode === "global" ? "0.3.40" : "0.3.60",
        python_version: "3.12.3",
        pytorch_version: "2.7.1+cu128",
        embedded_python: false,
        argv: ["main.py", "--listen", "127.0.0.1"],
      },
      devices: [{
        name: `cuda:0 ${options.gpuName ?? "NVIDIA GeForce RTX 4090"} : cudaMallocAsync`,
        type: "cuda",
        index: 0,
        vram_total: 24 * GIB,
        vram_free: 24 * GIB - used - 0.5 * GIB,
        torch_vram_total: used,
        torch_vram_free: 0.5 * GIB,
      }],
    };
  };

  let controller = new AbortController();
  let server = Deno.serve({ hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen() {} }, handler);
  const port = server.addr.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    executor,
    files,
    timeline: executor.timeline,
    requests,
    options: settings,
    models,
    catalog,
    failRequests: (path, status, times = 1) => httpFailures.push({ path, status, times }),
    inject: (injection) => executor.injections.push({ ...injection }),
    onNodeStart: (hook) => executor.onNodeStart = hook,
    dropSockets: (refuseMs = 0) => hub.drop(refuseMs),
    muteSockets: (muted) => hub.muted = muted,
    async restart(restartOptions = {}) {
      executor.restart();
      hub.drop();
      if (restartOptions.downMs) {
        controller.abort();
        await server.finished;
        await new Promise((resolve) => setTimeout(resolve, restartOptions.downMs));
        controller = new AbortController();
        server = Deno.serve({ hostname: "127.0.0.1", port, signal: controller.signal, onListen() {} }, handler);
      }
    },
    async submitForeign(foreign = {}) {
      const res = await fetch(`http://127.0.0.1:${port}/prompt`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          prompt: foreignGraph(foreign.steps ?? 4, models),
          client_id: "someone-else",
          front: foreign.front,
        }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`the fake refused the foreign prompt: ${JSON.stringify(body)}`);
      return body.prompt_id;
    },
    idle: () => !executor.running && executor.pending.length === 0,
    socketCount: () => hub.count,
    clientFrames: hub.clientFrames,
    async close() {
      executor.stop();
      hub.drop();
      controller.abort();
      await server.finished;
      await files.remove();
    },
  };
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

/** Every model file the built-in workflows need, by folder. */
function defaultModels(): Record<string, string[]> {
  const models: Record<string, string[]> = {
    checkpoints: [],
    diffusion_models: [],
    text_encoders: [],
    vae: [],
    loras: [],
  };
  for (const preset of Object.values(PRESETS)) {
    for (const { file, folder } of preset.models) if (!models[folder].includes(file)) models[folder].push(file);
  }
  for (const list of Object.values(models)) list.sort();
  return models;
}

/** A small SDXL-like image graph that another user might queue. */
function foreignGraph(steps: number, models: Record<string, string[]>) {
  const ckpt = models.checkpoints?.[0] ?? "missing.safetensors";
  return {
    "1": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: ckpt } },
    "2": { class_type: "CLIPTextEncode", inputs: { text: "someone else's picture", clip: ["1", 1] } },
    "3": { class_type: "EmptyLatentImage", inputs: { width: 64, height: 64, batch_size: 1 } },
    "4": {
      class_type: "KSampler",
      inputs: {
        model: ["1", 0],
        seed: Math.floor(Math.random() * 1e9),
        steps,
        cfg: 7,
        sampler_name: "euler",
        scheduler: "normal",
        positive: ["2", 0],
        negative: ["2", 0],
        latent_image: ["3", 0],
        denoise: 1,
      },
    },
    "5": { class_type: "VAEDecode", inputs: { samples: ["4", 0], vae: ["1", 2] } },
    "6": { class_type: "SaveImage", inputs: { images: ["5", 0], filename_prefix: "someone-else" } },
  };
}
