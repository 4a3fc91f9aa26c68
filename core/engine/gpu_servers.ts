/**
 * Several GPU servers for one kind of part (COMFYUI_URLS): which queue a job goes to.
 *
 * A ComfyUI server executes one prompt at a time (its single `prompt_worker` thread); a second
 * prompt only waits in its queue, that wait counts against the part's deadline, and alternating
 * image and video prompts makes it reload models. So:
 *
 * - A kind of part with one server (or none: draft, simulated) keeps its own named queue
 *   (`images`, `videos`, ./jobs.ts): at most one job of that kind at a time, as ever.
 * - A kind spread over several servers gives each server a named queue of its own,
 *   `gpu:<server url>`, shared by every kind that uses that server: a server runs one job at a
 *   time, whatever its kind, and the servers run side by side.
 * - A job is assigned its server when it is enqueued: the server with the fewest jobs waiting or
 *   running in its queue (ties: the first listed), counting the jobs assigned earlier in the same
 *   batch — so a run's scenes alternate over equal servers. The server is in the job's payload
 *   (`server`); the worker sends the prompt there. A retry is enqueued anew, so it may move to
 *   another server (the failed job still counts on its own server at that moment, so an idle
 *   other server wins).
 */
import type { Tx } from "../db/client.ts";
import type { PartName } from "../types.ts";

/** The servers each kind of part is spread over; a kind absent or with one server uses its own queue. */
export type PartServers = Partial<Record<PartName, readonly string[]>>;

/**
 * The named queue of one GPU server.
 * @example serverQueue("http://gpu1:8188") // "gpu:http://gpu1:8188"
 */
export function serverQueue(url: string): string {
  return `gpu:${url}`;
}

/** The servers a kind is spread over, or null when it has its own single queue. */
export function spreadOver(servers: PartServers | undefined, kind: PartName): readonly string[] | null {
  const list = servers?.[kind];
  return list && list.length > 1 ? list : null;
}

/**
 * Picks a server for each job, in order (null: the kind's own queue). `load` holds the jobs in
 * each server's queue now, keyed by server url; it is updated with the jobs assigned here.
 * @example
 * assignServers(["image", "image", "image"], { image: ["a", "b"] }, new Map()) // ["a", "b", "a"]
 */
export function assignServers(
  kinds: readonly PartName[],
  servers: PartServers | undefined,
  load: Map<string, number>,
): (string | null)[] {
  return kinds.map((kind) => {
    const list = spreadOver(servers, kind);
    if (!list) return null;
    let best = list[0];
    for (const url of list) if ((load.get(url) ?? 0) < (load.get(best) ?? 0)) best = url;
    load.set(best, (load.get(best) ?? 0) + 1);
    return best;
  });
}

/**
 * Assigns servers to jobs of these kinds (see {@link assignServers}), reading how many jobs each
 * server's queue holds now (waiting, held or running) inside the caller's transaction.
 */
export async function placeOnServers(
  tx: Tx,
  kinds: readonly PartName[],
  servers: PartServers | undefined,
): Promise<(string | null)[]> {
  const urls = [...new Set(kinds.flatMap((kind) => spreadOver(servers, kind) ?? []))];
  if (urls.length === 0) return kinds.map(() => null);
  const rows = await tx<{ queue_name: string; n: number }[]>`
    select queue_name, count(*)::int as n from graphile_worker.jobs
    where queue_name = any(${urls.map(serverQueue)}::text[]) group by queue_name`;
  const load = new Map(urls.map((url) => [url, rows.find((r) => r.queue_name === serverQueue(url))?.n ?? 0]));
  return assignServers(kinds, servers, load);
}
