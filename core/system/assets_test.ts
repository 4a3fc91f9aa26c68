import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assetPath, extractEmbeddedAssets, isBundledBuild, listAssets, readAssetText } from "./assets.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("in a checkout, assets are the project's own files", async () => {
  assert.equal(isBundledBuild(), false);
  const onDisk = [...Deno.readDirSync(join(ROOT, "migrations"))].filter((e) => e.isFile).map((e) => e.name).sort();
  const listed = await listAssets("migrations");
  assert.deepEqual(listed, onDisk);
  assert.ok(listed.some((name) => name.endsWith(".sql")));
  assert.equal(
    await readAssetText(`migrations/${listed[0]}`),
    await Deno.readTextFile(join(ROOT, "migrations", listed[0])),
  );
  assert.equal(assetPath("static"), join(ROOT, "static"));
  // Nothing is written for a checkout.
  assert.equal(await extractEmbeddedAssets(join(ROOT, "no-such-data-dir")), undefined);
  await assert.rejects(Deno.stat(join(ROOT, "no-such-data-dir")), Deno.errors.NotFound);
});
