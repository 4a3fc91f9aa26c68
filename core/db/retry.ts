/**
 * Retrying a database operation across a lost connection: a terminated backend, a restarting
 * server, a network blip. Only errors that say the connection (not the statement) failed are
 * retried; the operation must be safe to run again (the engine's transitions re-check the state
 * under the project lock, so a transaction whose commit was lost finds its work done).
 */

/** postgres.js and Postgres codes that mean "the connection failed", not "the statement is wrong". */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up)
  "08000",
  "08001",
  "08003",
  "08006",
]);

/** Whether `error` says the database connection failed (worth retrying), not the statement. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
  return error instanceof Deno.errors.ConnectionRefused || error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe;
}

/**
 * Runs `operation`, retrying it on connection errors with a doubling delay (from 100 ms, at most
 * 2 s) for up to `forMs` in total; other errors, and the last connection error, are thrown.
 */
export async function retryOnConnectionLoss<T>(operation: () => Promise<T>, forMs = 30_000): Promise<T> {
  const deadline = performance.now() + forMs;
  for (let delay = 100;; delay = Math.min(delay * 2, 2000)) {
    try {
      return await operation();
    } catch (error) {
      if (!isConnectionError(error) || performance.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
