/**
 * The fake ComfyUI against FACTS.md: message order (§2.3), validation answers (§1.1), /view and
 * /upload/image rules (§1.4–1.5), queue order (§1.7), cache, model loads and the Origin check. If
 * the fake drifts from ComfyUI, the provider tests prove nothing: these pin it down.
 */
import assert from "node:assert/strict";
import { PRESETS } from "../../providers/comfyui/workflows/presets.ts";
import { waitFor } from "../helpers/comfyui.ts";
import { type FakeComfyUI, startFakeComfyUI } from "./comfyui_server.ts";

type Message = { type: string; data: Record<string, unknown> };

/** A WebSocket client that records every JSON message. */
async function listen(fake: FakeComfyUI, clientId: string) {
  const messages: Message[] = [];
  const ws = new WebSocket(`${fake.url.replace("http", "ws")}/ws?clientId=${clientId}`);
  const onMessage: ((m: Message) => void)[] = [];
  ws.onmessage = (event) => {
    if (typeof event.data !== "string") return;
    const message = JSON.parse(event.data);
    messages.push(message);
    for (const f of onMessage) f(message);
  };
  await new Promise((resolve) => ws.onopen = resolve);
  await waitUntil(() => messages.length > 0);
  const close = async () => {
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;
  };
  return { messages, close, onMessage };
}

const waitUntil = (check: () => boolean) => waitFor(check, 3000, "the fake");

async function post(fake: FakeComfyUI, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const imageGraph = (seed = 1, prefix = "t") => {
  const graph = structuredClone(PRESETS["flux-schnell"].graph);
  graph["5"].inputs.seed = seed;
  graph["5"].inputs.steps = 2;
  graph["7"].inputs.filename_prefix = prefix;
  return graph;
};

async function withFake(body: (fake: FakeComfyUI) => Promise<void>, options = {}) {
  const fake = await startFakeComfyUI({ stepMs: 2, ...options });
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("a prompt's messages come in ComfyUI's order, history written before executing null", async () => {
  await withFake(async (fake) => {
    const socket = await listen(fake, "c1");
    let historyAtEnd: unknown;
    socket.onMessage.push((m) => {
      if (m.type === "executing" && m.data.node === null) {
        fetch(`${fake.url}/history/${m.data.prompt_id}`).then((r) => r.json()).then((h) => historyAtEnd = h);
      }
    });
    const { body } = await post(fake, "/prompt", { prompt: imageGraph(), client_id: "c1" });
    await waitUntil(() => historyAtEnd !== undefined);
    const types = socket.messages.map((m) => m.type === "executing" ? `executing:${m.data.node}` : m.type)
      .filter((t) => t !== "progress_state");
    assert.deepEqual(types, [
      "status", // on connect
      "status", // put
      "status", // taken by the worker
      "execution_start",
      "execution_cached",
      "executing:1",
      "executing:2",
      "executing:3",
      "executing:4",
      "executing:5",
      "progress",
      "progress",
      "executing:6",
      "executing:7",
      "executed",
      "execution_success",
      "status",
      "executing:null",
    ]);
    assert.ok(
      (historyAtEnd as Record<string, unknown>)[body.prompt_id],
      "history is there when executing null arrives",
    );
    const executed = socket.messages.find((m) => m.type === "executed")!;
    assert.deepEqual(executed.data.output, { images: [{ filename: "t_00001_.png", subfolder: "", type: "output" }] });
    assert.equal(typeof socket.messages.find((m) => m.type === "execution_start")!.data.timestamp, "number");
    await socket.close();
  });
});

Deno.test("errors and interrupts end with history, status and executing null; OOM unloads the models", async () => {
  await withFake(async (fake) => {
    const socket = await listen(fake, "c1");
    fake.inject({ classType: "KSampler", error: "oom" });
    const { body } = await post(fake, "/prompt", { prompt: imageGraph(), client_id: "c1" });
    await waitUntil(() => fake.executor.history.has(body.prompt_id));
    await waitUntil(() => socket.messages.some((m) => m.type === "executing" && m.data.node === null));
    const tail = socket.messages.map((m) => m.type).filter((t) => t !== "progress_state").slice(-3);
    assert.deepEqual(tail, ["execution_error", "status", "executing"]);
    const error = socket.messages.find((m) => m.type === "execution_error")!.data;
    assert.equal(error.exception_type, "torch.OutOfMemoryError");
    assert.ok(Array.isArray(error.traceback));
    assert.equal(fake.executor.loaded.size, 0);
    const entry = fake.executor.history.get(body.prompt_id) as { status: { status_str: string; completed: boolean } };
    assert.deepEqual([entry.status.status_str, entry.status.completed], ["error", false]);

    // Interrupt a prompt queued without client_id: execution_interrupted is broadcast to everyone.
    fake.executor.timing.stepMs = 30;
    const other = await post(fake, "/prompt", { prompt: imageGraph(2) });
    await waitUntil(() => fake.executor.running?.item.promptId === other.body.prompt_id);
    await post(fake, "/interrupt", { prompt_id: "not-running" });
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(
      fake.executor.running?.item.promptId,
      other.body.prompt_id,
      "a targeted interrupt for another id is ignored",
    );
    await post(fake, "/interrupt", { prompt_id: other.body.prompt_id });
    await waitUntil(() => socket.messages.some((m) => m.type === "execution_interrupted"));
    assert.equal(
      socket.messages.some((m) => m.type === "executing" && m.data.prompt_id === other.body.prompt_id),
      false,
    );
    await socket.close();
  });
});

Deno.test("an identical resubmission is fully cached: no executing per node, executed replayed", async () => {
  await withFake(async (fake) => {
    const socket = await listen(fake, "c1");
    await post(fake, "/prompt", { prompt: imageGraph(5), client_id: "c1" });
    await waitUntil(() => socket.messages.some((m) => m.type === "executing" && m.data.node === null));
    const from = socket.messages.length;
    const second = await post(fake, "/prompt", { prompt: imageGraph(5), client_id: "c1" });
    await waitUntil(() => socket.messages.slice(from).some((m) => m.type === "executing" && m.data.node === null));
    const types = socket.messages.slice(from).map((m) => m.type).filter((t) => t !== "status");
    assert.deepEqual(types, ["execution_start", "execution_cached", "executed", "execution_success", "executing"]);
    const cached = socket.messages.slice(from).find((m) => m.type === "execution_cached")!.data.nodes as string[];
    assert.deepEqual(cached.sort(), ["1", "2", "3", "4", "5", "6", "7"]);
    const entry = fake.executor.history.get(second.body.prompt_id) as { outputs: Record<string, unknown> };
    assert.deepEqual(Object.keys(entry.outputs), ["7"], "cached outputs are in the history");
    await socket.close();
  });
});

Deno.test("/prompt answers like ComfyUI: ids, unknown classes, no outputs, combos, partial validation", async () => {
  await withFake(async (fake) => {
    const upper = await post(fake, "/prompt", { prompt: imageGraph(), prompt_id: crypto.randomUUID().toUpperCase() });
    assert.equal(upper.status, 400);
    assert.equal(upper.body.error.type, "invalid_prompt_id");
    const id = crypto.randomUUID();
    assert.equal((await post(fake, "/api/prompt", { prompt: imageGraph(), prompt_id: id })).body.prompt_id, id);

    const missing = imageGraph();
    missing["9"] = { class_type: "VHS_VideoCombine", inputs: {}, _meta: { title: "Video Combine" } };
    const noType = await post(fake, "/prompt", { prompt: missing });
    assert.equal(noType.status, 400);
    assert.deepEqual(noType.body.error.extra_info, {
      node_id: "9",
      class_type: "VHS_VideoCombine",
      node_title: "Video Combine",
    });
    assert.equal(noType.body.error.message, "Node 'Video Combine' not found. The custom node may not be installed.");

    const noOutputs = imageGraph();
    delete noOutputs["7"];
    assert.equal((await post(fake, "/prompt", { prompt: noOutputs })).body.error.type, "prompt_no_outputs");

    fake.models.checkpoints = Array.from({ length: 21 }, (_, i) => `m${i}.safetensors`);
    const longList = await post(fake, "/prompt", { prompt: imageGraph() });
    assert.equal(longList.status, 400);
    const item = longList.body.node_errors["1"].errors[0];
    assert.equal(item.type, "value_not_in_list");
    assert.equal(item.details, "ckpt_name: 'flux1-schnell-fp8.safetensors' not in (list of length 21)");
    assert.equal(item.extra_info.input_config, null);
    assert.deepEqual(longList.body.node_errors["1"].dependent_outputs, ["7"]);

    // Two outputs, one valid: queued (200) with node_errors for the other.
    fake.models.checkpoints.push("flux1-schnell-fp8.safetensors");
    const partial = imageGraph();
    partial["8"] = { class_type: "SaveImage", inputs: { images: ["9", 0], filename_prefix: "x" } };
    partial["9"] = { class_type: "VAEDecode", inputs: { samples: ["5", 0] } };
    const answer = await post(fake, "/prompt", { prompt: partial });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.node_errors["9"].errors[0].type, "required_input_missing");
  });
});

Deno.test("/view and /upload/image follow ComfyUI's naming and path rules", async () => {
  await withFake(async (fake) => {
    const upload = async (name: string, bytes: number[], overwrite: boolean) => {
      const form = new FormData();
      form.append("image", new Blob([new Uint8Array(bytes)]), name);
      form.append("overwrite", overwrite ? "true" : "false");
      return await (await fetch(`${fake.url}/upload/image`, { method: "POST", body: form })).json();
    };
    assert.deepEqual(await upload("s.png", [1, 2, 3], false), { name: "s.png", subfolder: "", type: "input" });
    assert.equal((await upload("s.png", [1, 2, 3], false)).name, "s.png", "identical content reuses the name");
    assert.equal((await upload("s.png", [9], false)).name, "s (1).png", "different content is renamed");
    assert.equal((await upload("s.png", [7], true)).name, "s.png", "overwrite keeps the name");

    const status = async (query: string) => {
      const res = await fetch(`${fake.url}/api/view?${query}`);
      await res.body?.cancel();
      return res.status;
    };
    assert.equal(await status("filename=s.png&type=input"), 200);
    assert.equal(await status("filename=s.png%20%5Binput%5D"), 200, "annotated names pick their folder");
    assert.equal(await status("filename=../x.png&type=input"), 400);
    assert.equal(await status("filename=/etc/passwd"), 400);
    assert.equal(await status("filename=s.png&type=input&subfolder=../../.."), 403);
    assert.equal(await status("filename=nope.png&type=output"), 404);
    assert.equal(await status("type=output"), 404);
  });
});

Deno.test("the queue runs by number, front first; a changed model set costs a load", async () => {
  await withFake(async (fake) => {
    fake.executor.paused = true;
    const a = await post(fake, "/prompt", { prompt: imageGraph(1) });
    const b = await post(fake, "/prompt", { prompt: imageGraph(2) });
    const c = await post(fake, "/prompt", { prompt: imageGraph(3), front: true });
    assert.ok(c.body.number < 0);
    assert.equal((await (await fetch(`${fake.url}/prompt`)).json()).exec_info.queue_remaining, 3);
    fake.executor.resume();
    await waitUntil(() => fake.idle());
    const order = fake.timeline.filter((e) => e.event === "start").map((e) => e.promptId);
    assert.deepEqual(order, [c.body.prompt_id, a.body.prompt_id, b.body.prompt_id]);
    const video = structuredClone(PRESETS["wan22-5b"].graph);
    video["6"].inputs.image = "missing.png";
    assert.equal(
      (await post(fake, "/prompt", { prompt: video })).body.node_errors["6"].errors[0].type,
      "custom_validation_failed",
    );
    await post(fake, "/prompt", { prompt: imageGraph(4) });
    await waitUntil(() => fake.idle());
    const loads = fake.timeline.filter((e) => e.event === "load_start").length;
    assert.equal(loads, 1, "same models for every image prompt: one load");
    await post(fake, "/free", { unload_models: true });
    await post(fake, "/prompt", { prompt: imageGraph(5) });
    await waitUntil(() => fake.idle());
    assert.equal(fake.timeline.filter((e) => e.event === "load_start").length, 2, "after /free the models load again");
  }, { modelLoadMs: 30 });
});

Deno.test("a foreign Origin is refused like ComfyUI's origin check; the reconnect hint has no prompt id", async () => {
  await withFake(async (fake) => {
    const res = await fetch(`${fake.url}/system_stats`, { headers: { origin: "http://evil.example" } });
    await res.body?.cancel();
    assert.equal(res.status, 403);
    const same = await fetch(`${fake.url}/system_stats`, { headers: { origin: fake.url } });
    assert.equal(same.status, 200);
    await same.body?.cancel();

    fake.executor.timing.stepMs = 40;
    await post(fake, "/prompt", { prompt: imageGraph(), client_id: "c2" });
    await waitUntil(() => fake.executor.running?.lastNode === "5");
    const socket = await listen(fake, "c2");
    await waitUntil(() => socket.messages.length >= 2);
    assert.equal(socket.messages[0].type, "status");
    assert.equal(socket.messages[0].data.sid, "c2");
    assert.deepEqual(socket.messages[1], { type: "executing", data: { node: "5" } });
    await socket.close();
  });
});
