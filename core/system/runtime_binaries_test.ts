import assert from "node:assert/strict";
import { RUNTIME_PACKAGES } from "./runtime_binaries.ts";

const lock = JSON.parse(await Deno.readTextFile(new URL("../../deno.lock", import.meta.url)));

Deno.test("the packages the one-file build installs are the versions deno.lock pins", () => {
  for (const spec of Object.values(RUNTIME_PACKAGES)) {
    const at = spec.lastIndexOf("@");
    const [name, version] = [spec.slice(0, at), spec.slice(at + 1)];
    assert.ok(
      Object.keys(lock.npm ?? {}).includes(`${name}@${version}`),
      `${spec} is not in deno.lock: update RUNTIME_PACKAGES to the version deno.json uses.`,
    );
  }
});
