/**
 * The fake ComfyUI's queue and its one serial worker (main.py `prompt_worker`, execution.py), with
 * ComfyUI's WebSocket message order (FACTS.md §2.3):
 *
 *   status (put) … status (taken) → execution_start → execution_cached {nodes} → [executed replays of
 *   cached outputs] → per node: progress_state → executing {node} → progress ×n → executed (outputs)
 *   → progress_state (finished) → execution_success → history written → status → executing {node: null}
 *
 * Errors: execution_error → history (error) → status → executing null; interrupts the same with
 * execution_interrupted (broadcast when the prompt had no client). The queue is ordered by `number`
 * (a min-heap in ComfyUI; `front` makes it negative); `/queue` lists pending items unsorted.
 *
 * Scriptable: per-step and per-node durations, failures at a chosen node (out of memory unloads
 * every model), a model-load delay whenever the set of loaded models changes, a hook at every node
 * start, interrupt flags checked at node starts and progress ticks, cache by input signature (an
 * identical resubmission re-runs nothing), restart (everything in memory is lost).
 */
import { CATALOG, type ClassDef } from "./catalog.ts";
import type { FileStore, SavedFile } from "./files.ts";
import { isLink } from "./validate.ts";

type Node = { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } };
type Graph = Record<string, Node>;

/** A queued prompt. */
export interface QueuedPrompt {
  number: number;
  promptId: string;
  graph: Graph;
  extra: { client_id?: string; create_time: number };
  outputs: string[];
}

/** How the executor talks to WebSocket clients. */
export interface Hub {
  /** To the prompt's client only (dropped when it has none). */
  toClient(clientId: string | undefined, type: string, data: Record<string, unknown>): void;
  /** To everyone. */
  broadcast(type: string, data: Record<string, unknown>): void;
  /** Binary preview to the prompt's client. */
  binary(clientId: string | undefined, bytes: Uint8Array): void;
}

/** One line of the timeline tests and benchmarks read. */
export interface TimelineEntry {
  at: number;
  event:
    | "queued"
    | "start"
    | "end"
    | "load_start"
    | "load_end"
    | "interrupt"
    | "deleted"
    | "restart"
    | "unload";
  promptId?: string;
  clientId?: string;
  detail?: string;
}

/** A failure to inject at a node. */
export interface Injection {
  classType?: string;
  nodeId?: string;
  error: "oom" | { type: string; message: string };
  /** How many prompts it hits (default 1). */
  times?: number;
}

/** Timing knobs (ms), changeable while running. */
export interface ExecutorTiming {
  /** Per progress tick of a sampler. */
  stepMs: number;
  /** Per node without progress (unless `classMs` names its class). */
  nodeMs: number;
  /** Per node of these classes, e.g. a silent `{ VAEDecode: 2000 }`. */
  classMs: Record<string, number>;
  modelLoadMs: number;
  previews: boolean;
}

const OOM_MESSAGE =
  "Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.";

/** The fake's queue, worker, history and caches. */
export class Executor {
  readonly pending: QueuedPrompt[] = [];
  running: { item: QueuedPrompt; lastNode?: string } | undefined;
  readonly history = new Map<string, Record<string, unknown>>();
  readonly timeline: TimelineEntry[] = [];
  readonly injections: Injection[] = [];
  loaded = new Set<string>();
  paused = false;
  onNodeStart: ((info: { promptId: string; nodeId: string; classType: string }) => void | Promise<void>) | undefined;
  #counter = 0;
  #interrupt = false;
  #epoch = 0;
  #wake: (() => void) | undefined;
  #cache = new Map<string, Record<string, unknown> | null>();
  #flags: { unload?: boolean; free?: boolean } = {};
  #stopped = false;
  readonly #started = performance.now();

  constructor(
    private readonly hub: Hub,
    private readonly files: FileStore,
    readonly timing: ExecutorTiming,
    private readonly catalog: () => Record<string, ClassDef> = () => CATALOG,
  ) {
    this.#loop();
  }

  /** Prompts waiting plus the one running. */
  get queueRemaining(): number {
    return this.pending.length + (this.running ? 1 : 0);
  }

  /** `put`: numbers grow; `front` ones are negative so they go first. */
  put(
    promptId: string,
    graph: Graph,
    clientId: string | undefined,
    outputs: string[],
    options: { front?: boolean; number?: number },
  ): number {
    this.#counter += 1;
    const number = options.number ?? (options.front ? -this.#counter : this.#counter);
    this.pending.push({ number, promptId, graph, extra: { client_id: clientId, create_time: Date.now() }, outputs });
    this.#log("queued", promptId, clientId);
    this.hub.broadcast("status", this.#status());
    this.#wake?.();
    return number;
  }

  /** `POST /queue {delete}`: first pending match per id. */
  delete(ids: string[]): void {
    for (const id of ids) {
      const index = this.pending.findIndex((item) => item.promptId === id);
      if (index >= 0) {
        this.pending.splice(index, 1);
        this.#log("deleted", id);
      }
    }
    this.hub.broadcast("status", this.#status());
  }

  /** `POST /queue {clear}`. */
  clear(): void {
    this.pending.length = 0;
    this.hub.broadcast("status", this.#status());
  }

  /** Sets the interrupt flag (the running prompt stops at its next node or progress tick). */
  interrupt(promptId?: string): void {
    if (!this.running) return;
    this.#log("interrupt", promptId ?? this.running.item.promptId);
    this.#interrupt = true;
  }

  /** `POST /free`: now when idle, after the running prompt otherwise. */
  free(flags: { unload?: boolean; free?: boolean }): void {
    this.#flags = { unload: this.#flags.unload || flags.unload, free: this.#flags.free || flags.free };
    if (!this.running) this.#applyFlags();
  }

  /** A restart: queue, running prompt, history, loaded models and cache are gone. */
  restart(): void {
    this.#epoch += 1;
    this.pending.length = 0;
    this.running = undefined;
    this.history.clear();
    this.loaded.clear();
    this.#cache.clear();
    this.#interrupt = false;
    this.#log("restart");
    this.#wake?.();
  }

  /** Starts prompts again after {@link paused} was set. */
  resume(): void {
    this.paused = false;
    this.#wake?.();
  }

  /** Stops the worker loop. */
  stop(): void {
    this.#stopped = true;
    this.#epoch += 1;
    this.#wake?.();
  }

  /** The `status` message payload. */
  #status(): Record<string, unknown> {
    return { status: { exec_info: { queue_remaining: this.queueRemaining } } };
  }

  #log(event: TimelineEntry["event"], promptId?: string, clientId?: string, detail?: string): void {
    this.timeline.push({ at: Math.round(performance.now() - this.#started), event, promptId, clientId, detail });
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      if (this.paused || this.pending.length === 0) {
        await new Promise<void>((resolve) => this.#wake = resolve);
        this.#wake = undefined;
        continue;
      }
      let best = 0;
      for (let i = 1; i < this.pending.length; i++) if (this.pending[i].number < this.pending[best].number) best = i;
      const [item] = this.pending.splice(best, 1);
      this.running = { item };
      this.#interrupt = false;
      this.hub.broadcast("status", this.#status());
      const epoch = this.#epoch;
      try {
        await this.#execute(item, epoch);
      } catch (error) {
        console.error("fake ComfyUI worker failed:", error);
      }
      if (epoch !== this.#epoch) continue; // restarted meanwhile: nothing of this prompt survives
      this.running = undefined;
      this.#applyFlags();
    }
  }

  #applyFlags(): void {
    if (this.#flags.unload || this.#flags.free) {
      this.loaded.clear();
      this.#log("unload");
    }
    if (this.#flags.free) this.#cache.clear();
    this.#flags = {};
  }

  async #execute(item: QueuedPrompt, epoch: number): Promise<void> {
    const { promptId, graph } = item;
    const client = item.extra.client_id;
    const alive = () => epoch === this.#epoch;
    const messages: [string, Record<string, unknown>][] = [];
    const record = (type: string, data: Record<string, unknown>) => {
      messages.push([type, data]);
      this.hub.toClient(client, type, data);
    };
    const stamp = () => Date.now();
    this.#log("start", promptId, client);
    record("execution_start", { prompt_id: promptId, timestamp: stamp() });

    const order = executionOrder(graph, item.outputs);
    const signatures = new Map<string, string>();
    const signature = (id: string): string => {
      let sig = signatures.get(id);
      if (sig) return sig;
      const node = graph[id];
      const inputs = Object.entries(node.inputs).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) =>
        isLink(v) ? [k, signature(v[0]), v[1]] : [k, v]
      );
      sig = JSON.stringify([node.class_type, inputs]);
      signatures.set(id, sig);
      return sig;
    };
    const cached = order.filter((id) => this.#cache.has(signature(id)));
    record("execution_cached", { nodes: cached, prompt_id: promptId, timestamp: stamp() });
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const id of cached) {
      const ui = this.#cache.get(signature(id));
      if (!ui) continue;
      outputs[id] = ui;
      this.hub.toClient(client, "executed", { node: id, display_node: id, output: ui, prompt_id: promptId });
    }

    const wanted = new Set(order.flatMap((id) => modelFiles(graph[id], this.catalog())));
    let loadedNow = sameSet(wanted, this.loaded);
    const executed: string[] = [];
    const newCache = new Map<string, Record<string, unknown> | null>();
    for (const id of cached) newCache.set(signature(id), this.#cache.get(signature(id)) ?? null);

    const finish = (outcome: "success" | "error", extraMessage?: [string, Record<string, unknown>]) => {
      if (extraMessage) messages.push(extraMessage);
      this.history.set(promptId, {
        prompt: [item.number, promptId, graph, { ...item.extra }, item.outputs],
        outputs,
        status: { status_str: outcome, completed: outcome === "success", messages },
        meta: Object.fromEntries(
          Object.keys(outputs).map((
            id,
          ) => [id, { node_id: id, display_node: id, parent_node: null, real_node_id: id }]),
        ),
      });
      this.#log("end", promptId, client, outcome === "success" ? "success" : extraMessage?.[0]);
      this.running = undefined;
      this.hub.broadcast("status", this.#status());
      this.hub.toClient(client, "executing", { node: null, prompt_id: promptId });
    };
    const interrupted = (nodeId: string) => {
      const data = {
        prompt_id: promptId,
        node_id: nodeId,
        node_type: graph[nodeId].class_type,
        executed,
        timestamp: stamp(),
      };
      if (client) this.hub.toClient(client, "execution_interrupted", data);
      else this.hub.broadcast("execution_interrupted", data);
      finish("error", ["execution_interrupted", data]);
    };
    const failed = (nodeId: string, type: string, message: string) => {
      const data = {
        prompt_id: promptId,
        node_id: nodeId,
        node_type: graph[nodeId].class_type,
        executed,
        exception_message: message,
        exception_type: type,
        traceback: [`  File "/home/comfy/ComfyUI/execution.py", line 496, in execute\n`],
        current_inputs: {},
        current_outputs: [],
        timestamp: stamp(),
      };
      this.hub.toClient(client, "execution_error", data);
      if (/OutOfMemoryError$/.test(type)) {
        this.loaded.clear();
        this.#log("unload", promptId, client, "out of memory");
      }
      finish("error", ["execution_error", data]);
    };

    for (const id of order) {
      if (cached.includes(id)) continue;
      if (!alive()) return;
      const node = graph[id];
      const def = this.catalog()[node.class_type] ?? CATALOG[node.class_type];
      if (this.#interrupt) return interrupted(id);
      await this.onNodeStart?.({ promptId, nodeId: id, classType: node.class_type });
      if (!alive()) return;
      if (this.#interrupt) return interrupted(id);
      if (this.running) this.running.lastNode = id;
      this.hub.toClient(client, "progress_state", progressState(promptId, id, 0, 1, "running"));
      this.hub.toClient(client, "executing", { node: id, display_node: id, prompt_id: promptId });
      if (!loadedNow && (def.role === "loader" || def.role === "sampler")) {
        this.#log("load_start", promptId, client, [...wanted].join(","));
        await sleep(this.timing.modelLoadMs);
        if (!alive()) return;
        this.loaded = new Set(wanted);
        loadedNow = true;
        this.#log("load_end", promptId, client);
      }
      const injection = this.#takeInjection(id, node.class_type);
      if (injection) {
        if (injection === "oom") return failed(id, "torch.OutOfMemoryError", OOM_MESSAGE);
        return failed(id, injection.type, injection.message);
      }
      if (def.role === "sampler") {
        const steps = samplerSteps(node);
        for (let step = 1; step <= steps; step++) {
          await sleep(this.timing.stepMs);
          if (!alive()) return;
          if (this.#interrupt) return interrupted(id);
          const progress = { value: step, max: steps, prompt_id: promptId, node: id };
          if (client) this.hub.toClient(client, "progress", progress);
          else this.hub.broadcast("progress", progress);
          this.hub.toClient(client, "progress_state", progressState(promptId, id, step, steps, "running"));
          if (this.timing.previews) this.hub.binary(client, previewFrame());
        }
      } else {
        await sleep(this.timing.classMs[node.class_type] ?? this.timing.nodeMs);
        if (!alive()) return;
      }
      let ui: Record<string, unknown> | null = null;
      const save = saveKind(def);
      if (save) {
        const prefix = String(node.inputs.filename_prefix ?? "ComfyUI");
        const file: SavedFile = await this.files.save(
          def.role === "save-image" && node.class_type === "PreviewImage" ? `ComfyUI_temp_${id}` : prefix,
          save,
          pictureSize(graph, id),
        );
        ui = save === "png" ? { images: [file] } : { images: [file], animated: [true] };
        outputs[id] = ui;
        this.hub.toClient(client, "executed", { node: id, display_node: id, output: ui, prompt_id: promptId });
      }
      executed.push(id);
      newCache.set(signature(id), ui);
      this.hub.toClient(client, "progress_state", progressState(promptId, id, 1, 1, "finished"));
    }
    if (!alive()) return;
    this.#cache = newCache;
    record("execution_success", { prompt_id: promptId, timestamp: stamp() });
    finish("success");
  }

  #takeInjection(nodeId: string, classType: string): Injection["error"] | undefined {
    const index = this.injections.findIndex((i) =>
      (i.nodeId ?? nodeId) === nodeId && (i.classType ?? classType) === classType
    );
    if (index < 0) return undefined;
    const injection = this.injections[index];
    injection.times = (injection.times ?? 1) - 1;
    if (injection.times <= 0) this.injections.splice(index, 1);
    return injection.error;
  }
}

/** Nodes the outputs depend on, dependencies first. */
function executionOrder(graph: Graph, outputs: string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id) || !graph[id]) return;
    seen.add(id);
    for (const value of Object.values(graph[id].inputs)) if (isLink(value)) visit(value[0]);
    order.push(id);
  };
  outputs.forEach(visit);
  return order;
}

function modelFiles(node: Node, catalog: Record<string, ClassDef>): string[] {
  const def = catalog[node.class_type];
  if (def?.role !== "loader") return [];
  return Object.entries(def.required).filter(([, input]) => input.folder).map(([name]) => String(node.inputs[name]));
}

function samplerSteps(node: Node): number {
  const steps = Number(node.inputs.steps ?? 4);
  if (node.class_type !== "KSamplerAdvanced") return Math.max(1, steps);
  const start = Number(node.inputs.start_at_step ?? 0);
  const end = Math.min(steps, Number(node.inputs.end_at_step ?? steps));
  return Math.max(1, end - start);
}

function saveKind(def: ClassDef): "png" | "mp4" | "webm" | "webp" | undefined {
  return ({ "save-image": "png", "save-video": "mp4", "save-webm": "webm", "save-webp": "webp" } as const)[
    def.role as "save-image"
  ];
}

/** The size of the picture a save node gets: the first width/height found upstream. */
function pictureSize(graph: Graph, id: string): { width: number; height: number } {
  const seen = new Set<string>();
  const search = (nodeId: string): { width: number; height: number } | undefined => {
    if (seen.has(nodeId) || !graph[nodeId]) return undefined;
    seen.add(nodeId);
    const { width, height } = graph[nodeId].inputs;
    if (typeof width === "number" && typeof height === "number") return { width, height };
    for (const value of Object.values(graph[nodeId].inputs)) {
      if (!isLink(value)) continue;
      const found = search(value[0]);
      if (found) return found;
    }
    return undefined;
  };
  return search(id) ?? { width: 64, height: 64 };
}

function progressState(promptId: string, id: string, value: number, max: number, state: string) {
  return {
    prompt_id: promptId,
    nodes: {
      [id]: {
        value,
        max,
        state,
        node_id: id,
        prompt_id: promptId,
        display_node_id: id,
        parent_node_id: null,
        real_node_id: id,
      },
    },
  };
}

function previewFrame(): Uint8Array {
  const bytes = new Uint8Array(8 + 8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 1); // PREVIEW_IMAGE
  view.setUint32(4, 2); // PNG
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 8);
  return bytes;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
