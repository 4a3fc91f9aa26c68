/**
 * Cancel through the request's AbortSignal, against the fake ComfyUI: a pending prompt is deleted
 * from ComfyUI's queue, a running one interrupted by its prompt id, and ComfyUI is idle within a
 * second. Old servers (interrupt is global, our prompt_id ignored) are only interrupted when
 * `/queue` shows our prompt running, so another client's work is never stopped.
 */
import assert from "node:assert/strict";
import { ProviderError } from "../providers/types.ts";
import type { FakeComfyUI } from "./fakes/comfyui_server.ts";
import { imageRequest, submittedGraphs, videoRequest, waitFor, withComfy } from "./helpers/comfyui.ts";

const interrupts = (fake: FakeComfyUI) => fake.requests.filter((r) => r.path === "/interrupt");
const deletes = (fake: FakeComfyUI) => fake.requests.filter((r) => r.path === "/queue" && r.method === "POST");
const ourPromptId = (fake: FakeComfyUI) =>
  fake.timeline.find((e) => e.event === "queued" && e.clientId !== "someone-else")?.promptId;

/** Aborts `controller` once `check()` holds, and resolves with the time it aborted. */
async function abortWhen(controller: AbortController, check: () => boolean): Promise<number> {
  await waitFor(check, 5000, "the moment to cancel");
  controller.abort(new DOMException("The run was cancelled.", "AbortError"));
  return performance.now();
}

for (const mode of ["targeted", "global"] as const) {
  const label = mode === "global" ? "an old server (global interrupt, own prompt ids)" : "a current server";

  Deno.test(`cancel while waiting behind another client, on ${label}: deleted from the queue, the other prompt runs on`, async () => {
    const fake = {
      stepMs: 20,
      interruptMode: mode,
      promptIdMode: mode === "global" ? "ignore" as const : "strict" as const,
    };
    await withComfy({ fake }, async ({ fake, provider, dir }) => {
      const foreign = await fake.submitForeign({ steps: 100 });
      const controller = new AbortController();
      const request = imageRequest(dir, { signal: controller.signal });
      const result = provider.generateImage(request);
      await abortWhen(controller, () => request.reports.statuses.some((s) => s.phase === "waiting"));
      await assert.rejects(result, (error: Error) => error.name === "AbortError" && !(error instanceof ProviderError));
      const ours = ourPromptId(fake)!;
      assert.deepEqual(deletes(fake).map((r) => r.body), [{ delete: [ours] }]);
      assert.equal(interrupts(fake).length, 0, "nothing was interrupted");
      assert.equal(fake.executor.pending.length, 0);
      assert.equal(fake.executor.running?.item.promptId, foreign, "the other client's prompt still runs");
      await assert.rejects(Deno.stat(request.outPath), Deno.errors.NotFound);
    });
  });

  Deno.test(`cancel while running, on ${label}: interrupted by id, ComfyUI idle within a second`, async () => {
    const fake = {
      stepMs: 50,
      interruptMode: mode,
      promptIdMode: mode === "global" ? "ignore" as const : "strict" as const,
    };
    await withComfy({ fake }, async ({ fake, provider, dir }) => {
      const controller = new AbortController();
      const request = await videoRequest(dir, { signal: controller.signal });
      const result = provider.imageToVideo(request);
      const abortedAt = await abortWhen(controller, () => request.reports.progress.length >= 2);
      await assert.rejects(result, (error: Error) => error.name === "AbortError");
      await waitFor(() => fake.idle(), 1000, "ComfyUI to be idle");
      const idleAfter = performance.now() - abortedAt;
      assert.ok(idleAfter < 1000, `idle after ${Math.round(idleAfter)} ms`);
      const ours = ourPromptId(fake)!;
      assert.deepEqual(interrupts(fake).map((r) => r.body), [{ prompt_id: ours }]);
      const entry = fake.executor.history.get(ours) as { status: { messages: [string][] } };
      assert.equal(entry.status.messages.at(-1)![0], "execution_interrupted");
      assert.ok(fake.timeline.some((e) => e.event === "interrupt"));
    });
  });
}

Deno.test("an old server: prompts are followed by the id the server minted", async () => {
  await withComfy(
    { fake: { stepMs: 5, interruptMode: "global", promptIdMode: "ignore" } },
    async ({ fake, provider, dir }) => {
      const request = imageRequest(dir);
      await provider.generateImage(request);
      const sent = (fake.requests.find((r) => r.path === "/prompt")!.body as { prompt_id: string }).prompt_id;
      const used = ourPromptId(fake)!;
      assert.notEqual(sent, used, "the server ignored our id");
      assert.deepEqual(request.reports.progress, [0.25, 0.5, 0.75, 0.99, 1], "socket messages were matched by its id");
    },
  );
});

Deno.test("a cancel that arrives after the prompt finished interrupts nothing", async () => {
  await withComfy({ fake: { stepMs: 1 } }, async ({ fake, provider, dir }) => {
    const controller = new AbortController();
    await provider.generateImage(imageRequest(dir, { signal: controller.signal }));
    controller.abort();
    await fake.submitForeign({ steps: 50 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(interrupts(fake).length, 0);
    assert.equal(deletes(fake).length, 0);
    assert.equal(submittedGraphs(fake).length, 1);
  });
});
