import assert from "node:assert/strict";
import { startFakeComfyUI } from "../../tests/fakes/comfyui_server.ts";
import { waitFor } from "../../tests/helpers/comfyui.ts";
import { ComfyClient } from "./client.ts";
import { followPrompt, outcomeOf } from "./follow.ts";
import { ComfySocket } from "./socket.ts";
import { PRESETS } from "./workflows/presets.ts";

Deno.test("the outcome is read from a history entry, old entries without status included", () => {
  const cases: [Parameters<typeof outcomeOf>[0], string][] = [
    [{ outputs: {}, status: { status_str: "success", completed: true, messages: [] } }, "success"],
    [{ outputs: {} }, "success"], // servers before 2024 had no status
    [{
      outputs: {},
      status: {
        status_str: "error",
        completed: false,
        messages: [["execution_start", {}], ["execution_error", { node_id: "3", exception_message: "boom" }]],
      },
    }, "error"],
    [{
      outputs: {},
      status: {
        status_str: "error",
        completed: false,
        messages: [["execution_start", {}], ["execution_interrupted", {}]],
      },
    }, "interrupted"],
  ];
  for (const [entry, kind] of cases) assert.equal(outcomeOf(entry).kind, kind, JSON.stringify(entry));
  const error = outcomeOf(cases[2][0]);
  assert.deepEqual(error.kind === "error" && error.error, { node_id: "3", exception_message: "boom" });
});

Deno.test("a prompt that ended before the follower subscribed is settled from the socket's recent messages", async () => {
  const fake = await startFakeComfyUI({ stepMs: 1 });
  const client = new ComfyClient({ baseUrl: fake.url, clientId: "follow-test" });
  const socket = new ComfySocket({ url: client.wsUrl, lingerMs: 10 });
  const hold = socket.subscribe("hold", () => {});
  try {
    await socket.whenOpen(2000);
    fake.inject({ classType: "CheckpointLoaderSimple", error: { type: "RuntimeError", message: "early failure" } });
    const { promptId, number } = await client.submit(PRESETS["flux-schnell"].graph, crypto.randomUUID());
    await waitFor(() => fake.executor.history.has(promptId) && fake.idle(), 2000, "the prompt to fail");
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the messages arrive
    const outcome = await followPrompt({
      client,
      socket,
      promptId,
      number,
      progressNodes: [],
      signal: new AbortController().signal,
      pollMs: 10_000,
      quietMs: 10_000,
      unreachableMs: 10_000,
    });
    assert.equal(outcome.kind, "error");
    assert.equal(outcome.kind === "error" && outcome.error.exception_message, "early failure");
  } finally {
    hold();
    socket.close();
    await fake.close();
  }
});
