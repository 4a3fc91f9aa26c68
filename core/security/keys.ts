/**
 * The keys that sign sessions and CSRF tokens, and constant-time comparison.
 *
 * A random secret is kept in `$STUDIO_DATA_DIR/secret.key` (32 bytes, mode 0600, created on first
 * start), so signed cookies survive restarts and every process sharing the data folder accepts
 * them. Without a data folder (benchmarks, some tests) the secret lives in memory only. Each purpose gets its own key, derived from that secret and the access token: changing
 * STUDIO_TOKEN ends every session, and a leaked cookie says nothing about the token.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { join } from "node:path";

/** The keys of one app. */
export interface Keys {
  /** Signs session cookies. */
  session: Uint8Array;
  /** Signs CSRF form tokens. */
  csrf: Uint8Array;
}

const SECRET_FILE = "secret.key";

/**
 * Reads the data folder's secret, creating it when missing, and derives the keys from it.
 * Synchronous: called once while the app is built.
 */
export function loadKeys(dataDir: string, accessToken: string | undefined): Keys {
  const secret = readOrCreateSecret(dataDir);
  const derive = (purpose: string) => hmac(secret, `${purpose}\0${accessToken ?? ""}`);
  return { session: derive("session"), csrf: derive("csrf") };
}

function readOrCreateSecret(dataDir: string): Uint8Array {
  const path = join(dataDir, SECRET_FILE);
  try {
    const bytes = Deno.readFileSync(path);
    if (bytes.length >= 32) return bytes;
    throw new Error(`The secret in ${SECRET_FILE} of the data folder is too short: delete the file to make a new one.`);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const fresh = randomBytes(32);
  try {
    // createNew: of two processes starting at once, one writes and both read its secret.
    Deno.writeFileSync(path, fresh, { mode: 0o600, createNew: true });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return Deno.readFileSync(path);
    if (err instanceof Deno.errors.NotFound) return fresh; // no data folder: in memory only
    throw err;
  }
  return fresh;
}

/** HMAC-SHA256 of `message` under `key`. */
export function hmac(key: Uint8Array, message: string): Uint8Array {
  return createHmac("sha256", key).update(message).digest();
}

/**
 * Compares two strings in time that does not depend on where they differ (nor on the secret's
 * length): both are hashed under a per-process random key first, then compared with
 * `timingSafeEqual`.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(hmac(COMPARE_KEY, given), hmac(COMPARE_KEY, expected));
}

const COMPARE_KEY = randomBytes(32);

/** Random bytes as base64url, for ids and cookie values. */
export function randomId(bytes = 18): string {
  return randomBytes(bytes).toString("base64url");
}

/** base64url of an HMAC, for signatures inside cookie values. */
export function sign(key: Uint8Array, message: string): string {
  return createHmac("sha256", key).update(message).digest("base64url");
}
