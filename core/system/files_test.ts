import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "./files.ts";

Deno.test("exists: files and directories yes, missing paths no", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exists-test-" });
  try {
    await Deno.writeTextFile(join(dir, "a.txt"), "a");
    assert.equal(await exists(join(dir, "a.txt")), true);
    assert.equal(await exists(dir), true);
    assert.equal(await exists(join(dir, "missing.txt")), false);
    assert.equal(await exists(join(dir, "missing", "deeper")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
