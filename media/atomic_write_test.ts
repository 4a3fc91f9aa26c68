import assert from "node:assert/strict";
import { classifyFault } from "../core/system/faults.ts";
import { mountSmallDisk, smallDiskUnavailable } from "../tests/helpers/small_disk.ts";
import { commitFile, temporaryPathFor, writeFileAtomic } from "./atomic_write.ts";

Deno.test("writeFileAtomic writes the whole file under its name and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "studio-atomic-" });
  try {
    const bytes = crypto.getRandomValues(new Uint8Array(50_000));
    await writeFileAtomic(`${dir}/a.png`, bytes);
    assert.deepEqual(await Deno.readFile(`${dir}/a.png`), bytes);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.png"]);
    const temporary = temporaryPathFor(`${dir}/b.mp4`);
    assert.match(temporary, /\/\.b\.mp4\.[0-9a-f]{8}\.part$/);
    await Deno.writeFile(temporary, bytes);
    await commitFile(temporary, `${dir}/b.mp4`);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["a.png", "b.mp4"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "on a full disk writeFileAtomic fails with ENOSPC, leaves nothing behind, and the fault reads 'disk full'",
  ignore: smallDiskUnavailable() !== null,
  fn: async () => {
    const disk = await mountSmallDisk(256 * 1024);
    try {
      await writeFileAtomic(`${disk.path}/small.png`, new Uint8Array(10_000));
      const error = await writeFileAtomic(`${disk.path}/big.png`, new Uint8Array(400_000)).then(() => null, (e) => e);
      assert.equal((error as { code?: string })?.code, "ENOSPC", String(error));
      assert.equal(classifyFault(error)?.kind, "disk-full");
      assert.match(classifyFault(error)!.message, /^The media disk is full/);
      assert.deepEqual([...Deno.readDirSync(disk.path)].map((e) => e.name), ["small.png"], "no partial file is left");
      assert.ok((await disk.free()) > 200_000, "the space of the failed write was given back");
    } finally {
      await disk.remove();
    }
  },
});
