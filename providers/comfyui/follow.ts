/**
 * Follows one submitted prompt to its end (FACTS.md §2.3, §8.1–8.4). The WebSocket is a hint: it
 * gives live progress and the moment to look; `/history/{id}` is the truth. When the socket is down,
 * or has said nothing about our prompt for `quietMs` (model loads and VAE decodes are silent for
 * minutes; proxies cut idle sockets), the follower polls `/history` and `/queue` every `pollMs`:
 *
 * - history has the entry → the outcome (success / error / interrupted, from `status.messages`);
 * - `/queue` lists it running → "running"; pending → "waiting" with how many are ahead;
 * - in neither, twice in a row → "lost" (the server restarted and forgot it).
 *
 * `executing {node: null}` is sent after the history is written, so it triggers an immediate look;
 * `execution_success` comes before the history, so it does not. The follower never cancels the
 * prompt itself: when `signal` aborts it rejects with the reason and the caller cancels.
 */
import type { RequestPhase } from "../types.ts";
import { type ComfyClient, ComfyRequestError, type HistoryEntry, type QueueState } from "./client.ts";
import type { ExecutionErrorData } from "./errors.ts";
import type { ComfyMessage, ComfySocket } from "./socket.ts";

/** How a prompt ended. */
export type PromptOutcome =
  | { kind: "success"; entry: HistoryEntry }
  | { kind: "error"; error: ExecutionErrorData }
  | { kind: "interrupted" }
  | { kind: "lost" }
  | { kind: "unreachable"; error: ComfyRequestError };

/** Options of {@link followPrompt}. */
export interface FollowOptions {
  client: ComfyClient;
  socket: ComfySocket;
  promptId: string;
  /** The prompt's queue number, to count who is ahead (NaN when unknown). */
  number: number;
  /** Nodes that report step progress (samplers): each is an equal share of the bar. */
  progressNodes: string[];
  signal: AbortSignal;
  onProgress?: (fraction: number) => void;
  onStatus?: (status: RequestPhase) => void;
  /** Poll interval while the socket is down or quiet. */
  pollMs: number;
  /** Silence about our prompt after which polling starts. */
  quietMs: number;
  /** How long the server may stay unreachable before giving up. */
  unreachableMs: number;
}

/** Waits for the prompt's outcome; rejects with `signal.reason` when the signal aborts. */
export function followPrompt(options: FollowOptions): Promise<PromptOutcome> {
  const { client, socket, promptId, signal } = options;
  return new Promise<PromptOutcome>((resolve, reject) => {
    let settled = false;
    let lastEventAt = performance.now();
    let phase: RequestPhase["phase"] | undefined;
    let queueAhead: number | undefined;
    let reported = 0;
    let misses = 0;
    let unreachableSince: number | undefined;
    let looking = false;
    let lookAgain = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fractions = new Map<string, number>();
    // Assigned below; declared first because a replayed message may finish the prompt at once.
    let offPrompt = () => {};
    let offBroadcast = () => {};

    const cleanup = () => {
      settled = true;
      clearTimeout(timer);
      offPrompt();
      offBroadcast();
      signal.removeEventListener("abort", onAbort);
    };
    const finish = (outcome: PromptOutcome) => {
      if (settled) return;
      cleanup();
      resolve(outcome);
    };
    const onAbort = () => {
      if (settled) return;
      cleanup();
      reject(signal.reason);
    };

    const setPhase = (next: RequestPhase["phase"], ahead?: number) => {
      if (next === phase && ahead === queueAhead) return;
      phase = next;
      queueAhead = ahead;
      try {
        options.onStatus?.(next === "waiting" ? { phase: next, queueAhead: ahead } : { phase: next });
      } catch { /* the caller's problem */ }
    };
    const report = () => {
      const shares = options.progressNodes.length
        ? options.progressNodes.reduce((sum, id) => sum + (fractions.get(id) ?? 0), 0) / options.progressNodes.length
        : Math.max(0, ...fractions.values());
      const fraction = Math.min(0.99, shares);
      if (fraction <= reported) return;
      reported = fraction;
      try {
        options.onProgress?.(fraction);
      } catch { /* the caller's problem */ }
    };

    /** One look at /history, then /queue; decides the outcome or the phase. */
    const look = async () => {
      if (looking) {
        lookAgain = true;
        return;
      }
      looking = true;
      try {
        do {
          lookAgain = false;
          const entry = await client.history(promptId, { signal });
          if (settled) return;
          if (entry) return finish(outcomeOf(entry));
          const queue = await client.queue({ signal });
          if (settled) return;
          unreachableSince = undefined;
          if (!placeInQueue(queue)) {
            misses += 1;
            if (misses >= 2) return finish({ kind: "lost" });
          } else misses = 0;
        } while (lookAgain && !settled);
      } catch (error) {
        if (settled || signal.aborted) return;
        if (!(error instanceof ComfyRequestError)) throw error;
        unreachableSince ??= performance.now();
        if (performance.now() - unreachableSince > options.unreachableMs) finish({ kind: "unreachable", error });
      } finally {
        looking = false;
      }
    };
    const placeInQueue = (queue: QueueState): boolean => {
      if (queue.running.some((item) => item.promptId === promptId)) {
        setPhase("running");
        return true;
      }
      const mine = queue.pending.find((item) => item.promptId === promptId);
      if (!mine) return false;
      const number = Number.isFinite(options.number) ? options.number : mine.number;
      const ahead = queue.running.length + queue.pending.filter((item) => item.number < number).length;
      if (ahead > 0) setPhase("waiting", ahead);
      return true;
    };
    const lookSoon = () => void look().catch((error) => !settled && (cleanup(), reject(error)));

    const onMessage = (message: ComfyMessage) => {
      if (settled) return;
      lastEventAt = performance.now();
      const data = message.data;
      switch (message.type) {
        case "execution_start":
          setPhase("running");
          break;
        case "execution_cached":
          for (const id of Array.isArray(data.nodes) ? data.nodes : []) fractions.set(String(id), 1);
          report();
          break;
        case "executing":
          if (data.node === null) lookSoon();
          else setPhase("running");
          break;
        case "progress": {
          const value = Number(data.value);
          const max = Number(data.max);
          if (max > 0 && Number.isFinite(value)) fractions.set(String(data.node ?? ""), Math.min(1, value / max));
          setPhase("running");
          report();
          break;
        }
        case "execution_error":
          finish({ kind: "error", error: data as ExecutionErrorData });
          break;
        case "execution_interrupted":
          finish({ kind: "interrupted" });
          break;
      }
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) return onAbort();
    offPrompt = socket.subscribe(promptId, onMessage);
    if (settled) return offPrompt();
    let lastQueueLook = 0;
    offBroadcast = socket.onBroadcast((message) => {
      // Queue changes while we wait: see whether we moved up (throttled).
      if (message.type !== "status" || phase === "running" || performance.now() - lastQueueLook < 250) return;
      lastQueueLook = performance.now();
      lookSoon();
    });

    const tick = () => {
      if (settled) return;
      const quiet = !socket.connected || performance.now() - lastEventAt >= options.quietMs;
      if (quiet) lookSoon();
      timer = setTimeout(tick, options.pollMs);
    };
    lookSoon(); // a first look: cached prompts may already be done, and the queue says if we wait
    timer = setTimeout(tick, options.pollMs);
  });
}

/** The outcome a history entry records (entries of servers before 2024 have no status: success). */
export function outcomeOf(entry: HistoryEntry): PromptOutcome {
  const status = entry.status;
  if (!status || (status.status_str !== "error" && status.completed !== false)) return { kind: "success", entry };
  const messages = status.messages ?? [];
  if (messages.at(-1)?.[0] === "execution_interrupted") return { kind: "interrupted" };
  const error = messages.find(([type]) => type === "execution_error")?.[1] as ExecutionErrorData | undefined;
  return { kind: "error", error: error ?? { exception_message: "ComfyUI recorded an error without details." } };
}
