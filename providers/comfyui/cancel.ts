/**
 * Takes a prompt off a ComfyUI server, safely on old and new servers (FACTS.md §1.6, §8.8): delete it
 * from the queue (harmless if it is not pending), then interrupt only if `/queue` shows it running.
 * Newer servers honour the prompt id in `/interrupt`; older ones interrupt whatever runs, which the
 * `/queue` check makes our prompt (a small race remains: it could finish in between).
 */
import type { ComfyClient } from "./client.ts";

/**
 * Takes our prompt off the server: delete it if pending, interrupt it only if `/queue` shows it
 * running, then wait (≤ 1.5 s) until it no longer runs. Best effort: a server that is gone has
 * nothing to cancel.
 */
export async function cancelPrompt(client: ComfyClient, promptId: string): Promise<void> {
  const quick = { timeoutMs: 2000 };
  try {
    await client.deletePending([promptId], quick);
    let queue = await client.queue(quick);
    if (!queue.running.some((item) => item.promptId === promptId)) return;
    await client.interrupt(promptId, quick);
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      queue = await client.queue(quick);
      if (!queue.running.some((item) => item.promptId === promptId)) return;
    }
  } catch {
    // Unreachable or broken server: nothing more we can do.
  }
}
