import assert from "node:assert/strict";
import { Sessions } from "./session.ts";

const key = new Uint8Array(32).fill(7);
const DAY = 86_400_000;

Deno.test("a session cookie is accepted until it expires, and never when forged", () => {
  const sessions = new Sessions(key, DAY);
  const { value, session } = sessions.issue(1_000_000_000_000);
  assert.deepEqual(sessions.verify(value, 1_000_000_000_000 + DAY - 1), session);
  assert.equal(sessions.verify(value, 1_000_000_000_000 + DAY), null, "expired");
  const [v, id, expires, signature] = value.split(".");
  const later = String(Number(expires) + 10 * DAY);
  const tampered = [
    `${v}.${id}.${later}.${signature}`, // a longer life
    `${v}.${id.slice(0, -1)}${id.endsWith("A") ? "B" : "A"}.${expires}.${signature}`, // another id
    `${v}.${id}.${expires}.${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`,
    `v2.${id}.${expires}.${signature}`,
    "",
    "v1..0.",
    value + "x",
  ];
  for (const t of tampered) assert.equal(sessions.verify(t, 1_000_000_000_000), null, t);
  assert.equal(new Sessions(new Uint8Array(32).fill(8), DAY).verify(value, 1_000_000_000_000), null, "other key");
});

Deno.test("logout revokes a session, also for the next process on the same data folder", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const sessions = new Sessions(key, DAY, dataDir);
    const a = sessions.issue();
    const b = sessions.issue();
    await sessions.revoke(a.session);
    assert.equal(sessions.verify(a.value), null);
    assert.ok(sessions.verify(b.value));
    const next = new Sessions(key, DAY, dataDir);
    assert.equal(next.verify(a.value), null);
    assert.ok(next.verify(b.value));
    // Entries past their expiry are dropped from the file at load.
    const old = new Sessions(key, 1, dataDir).issue(Date.now() - 10);
    await sessions.revoke(old.session);
    new Sessions(key, DAY, dataDir);
    const text = await Deno.readTextFile(`${dataDir}/revoked-sessions`);
    assert.equal(text.trim().split("\n").length, 1);
    assert.equal((await Deno.stat(`${dataDir}/revoked-sessions`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
