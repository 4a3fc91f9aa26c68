/**
 * Signed, expiring login sessions, kept in a cookie: `v1.<id>.<expires>.<signature>`, where the
 * signature is an HMAC of the rest under the session key (keys.ts). Nothing is stored per session
 * on the server except the ids of sessions that logged out before they expired
 * (`$STUDIO_DATA_DIR/revoked-sessions`, one `<id> <expires>` line each, read at start-up, so a
 * copied cookie is useless after logout, also across restarts).
 */
import { join } from "node:path";
import { constantTimeEqual, randomId, sign } from "./keys.ts";

/** A valid session read from a cookie. */
export interface Session {
  id: string;
  /** When it ends, ms since the epoch. */
  expiresAt: number;
}

const VERSION = "v1";
const FORMAT = /^v1\.([A-Za-z0-9_-]{16,64})\.(\d{13})\.([A-Za-z0-9_-]{43})$/;

/** Issues and checks session cookie values. */
export class Sessions {
  #revoked = new Map<string, number>();
  #file: string | undefined;

  /**
   * @param key the session key (keys.ts)
   * @param lifetimeMs how long a session lasts
   * @param dataDir where the list of logged-out sessions is kept; none: in memory only
   */
  constructor(readonly key: Uint8Array, readonly lifetimeMs: number, dataDir?: string) {
    if (dataDir) {
      this.#file = join(dataDir, "revoked-sessions");
      this.#load(Date.now());
    }
  }

  /** A new session's cookie value. */
  issue(now = Date.now()): { value: string; session: Session } {
    const session = { id: randomId(), expiresAt: now + this.lifetimeMs };
    const body = `${VERSION}.${session.id}.${session.expiresAt}`;
    return { value: `${body}.${sign(this.key, body)}`, session };
  }

  /** The session of a cookie value, or null when it is malformed, forged, expired or logged out. */
  verify(value: string | undefined, now = Date.now()): Session | null {
    const m = value ? FORMAT.exec(value) : null;
    if (!m) return null;
    const [, id, expires, signature] = m;
    if (!constantTimeEqual(signature, sign(this.key, `${VERSION}.${id}.${expires}`))) return null;
    const expiresAt = Number(expires);
    if (expiresAt <= now || this.#revoked.has(id)) return null;
    return { id, expiresAt };
  }

  /** Ends a session before it expires (logout). */
  async revoke(session: Session): Promise<void> {
    this.#revoked.set(session.id, session.expiresAt);
    if (!this.#file) return;
    try {
      await Deno.writeTextFile(this.#file, `${session.id} ${session.expiresAt}\n`, { append: true, mode: 0o600 });
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err; // no data folder: in memory only
    }
  }

  #load(now: number) {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.#file!);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    let expired = 0;
    for (const line of text.split("\n")) {
      const [id, expires] = line.split(" ");
      if (!id || !expires) continue;
      if (Number(expires) > now) this.#revoked.set(id, Number(expires));
      else expired++;
    }
    // Sessions past their expiry need no entry: rewrite the file without them.
    if (expired) {
      const lines = [...this.#revoked].map(([id, expiresAt]) => `${id} ${expiresAt}\n`).join("");
      Deno.writeTextFileSync(this.#file!, lines, { mode: 0o600 });
    }
  }
}
