/**
 * Which failures affect every job alike. A full or read-only disk, a failing disk, or a database
 * that cannot be reached fail the next job exactly like this one: retrying each scene on its own
 * schedule only burns its attempts (a short disk outage used up a run's retries in 6–10 s). The
 * engine backs off globally on these instead, and shows the creator the sentence given here, which
 * never contains a server path (the raw errors do: "No space left on device (os error 28):
 * writefile '/srv/…'").
 *
 * Recognised: errno codes on Deno and node:fs errors (`code: "ENOSPC"`), the same words in messages
 * (ffmpeg's stderr quoted by a ProviderError), postgres.js connection errors (`CONNECTION_CLOSED`,
 * `CONNECT_TIMEOUT`, …), Postgres SQLSTATEs (class 08, 57P01–57P03, 53xxx, 58030) and node-postgres'
 * "Connection terminated" messages; `cause` chains are followed.
 */

/** What kind of global fault an error is. */
export type FaultKind =
  | "disk-full"
  | "disk-read-only"
  | "disk-failing"
  | "database-unavailable"
  | "database-disk-full"
  | "service-unreachable";

/** A failure that affects every job alike: back off globally, show `message`. */
export interface GlobalFault {
  kind: FaultKind;
  /** A sentence for the creator (no server paths). */
  message: string;
}

const MESSAGES: Record<FaultKind, string> = {
  "disk-full": "The media disk is full, so the file could not be saved. " +
    "Free some space on the server; generation resumes by itself once there is room.",
  "disk-read-only": "The media folder is read-only, so the file could not be saved. " +
    "Ask the server's administrator to make it writable; generation resumes by itself after that.",
  "disk-failing": "The media disk reported a read or write error. " +
    "Ask the server's administrator to check the disk; generation resumes by itself after that.",
  "database-unavailable":
    "The database could not be reached for a moment; generation resumes by itself when it is back.",
  "database-disk-full": "The database server's disk is full. " +
    "Free some space on the server; generation resumes by itself once there is room.",
  "service-unreachable":
    "A server Scene Studio needs could not be reached; generation resumes by itself when it is back.",
};

const ERRNO_CODES: Record<string, FaultKind> = {
  ENOSPC: "disk-full",
  EDQUOT: "disk-full",
  EROFS: "disk-read-only",
  EIO: "disk-failing",
  // postgres.js
  CONNECTION_CLOSED: "database-unavailable",
  CONNECTION_DESTROYED: "database-unavailable",
  CONNECTION_ENDED: "database-unavailable",
  CONNECT_TIMEOUT: "database-unavailable",
  // Network errors: the database or a generation backend; the caller cannot always tell which.
  ECONNREFUSED: "service-unreachable",
  ECONNRESET: "service-unreachable",
  EPIPE: "service-unreachable",
  ETIMEDOUT: "service-unreachable",
  EHOSTUNREACH: "service-unreachable",
  ENETUNREACH: "service-unreachable",
};

/** Postgres SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
function sqlStateKind(code: string): FaultKind | null {
  if (/^08[0-9A-Z]{3}$/.test(code)) return "database-unavailable"; // connection exception
  if (code === "57P01" || code === "57P02" || code === "57P03") return "database-unavailable"; // shutdown, crash, starting
  if (code === "53300") return "database-unavailable"; // too many connections
  if (code === "53100") return "database-disk-full";
  if (code === "58030") return "database-disk-full"; // io_error on the server
  return null;
}

const MESSAGE_PATTERNS: [RegExp, FaultKind][] = [
  [/no space left on device|disk quota exceeded|\(os error 28\)/i, "disk-full"],
  [/read-only file system|\(os error 30\)/i, "disk-read-only"],
  [/input\/output error|\(os error 5\)/i, "disk-failing"],
  [
    /connection terminated|client has encountered a connection error|terminating connection due to|the database system is (starting up|shutting down|in recovery mode)/i,
    "database-unavailable",
  ],
];

/**
 * Classifies `error` (anything thrown): a {@link GlobalFault} when it affects every job alike,
 * null when it belongs to this job only (a bad prompt, a bug, a corrupt output).
 *
 * @example
 * classifyFault(Object.assign(new Error("No space left on device (os error 28): writefile '/srv/x.png'"), { code: "ENOSPC" }))
 * // → { kind: "disk-full", message: "The media disk is full, so the file could not be saved. …" }
 */
export function classifyFault(error: unknown): GlobalFault | null {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === "object" && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const kind = kindOf(e as { code?: unknown; errno?: unknown; message?: unknown });
    if (kind) return { kind, message: MESSAGES[kind] };
  }
  if (typeof error === "string") {
    const kind = kindFromMessage(error);
    if (kind) return { kind, message: MESSAGES[kind] };
  }
  return null;
}

function kindOf(e: { code?: unknown; errno?: unknown; message?: unknown }): FaultKind | null {
  if (typeof e.code === "string") {
    const kind = ERRNO_CODES[e.code] ?? sqlStateKind(e.code);
    if (kind) return kind;
  }
  if (typeof e.errno === "number") {
    const kind = { 28: "disk-full", 30: "disk-read-only", 5: "disk-failing" }[Math.abs(e.errno)] as
      | FaultKind
      | undefined;
    if (kind) return kind;
  }
  return typeof e.message === "string" ? kindFromMessage(e.message) : null;
}

function kindFromMessage(message: string): FaultKind | null {
  return MESSAGE_PATTERNS.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}

/**
 * `text` with absolute server paths replaced by their last component ("…/image-1.png"), for
 * error details shown to creators that come from errors quoting paths.
 *
 * @example
 * withoutServerPaths("cannot open '/srv/studio/media/a/b.png'") // "cannot open '…/b.png'"
 */
export function withoutServerPaths(text: string): string {
  return text.replace(/(?<=^|[\s'"`(=[])(?:file:)?(?:\/[^\s'"`/:)\]]+)+\/?/g, (path) => {
    const last = path.replace(/\/$/, "").split("/").pop() ?? "";
    return last ? `…/${last}` : "…";
  });
}
