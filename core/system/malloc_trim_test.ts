import assert from "node:assert/strict";
import { startMallocTrim, trimMalloc } from "./malloc_trim.ts";

const glibc = Deno.build.os === "linux" && trimMalloc();

/** Resident anonymous memory of this process, in MB. */
function anonMb(): number {
  return Number(/^RssAnon:\s+(\d+)/m.exec(Deno.readTextFileSync("/proc/self/status"))?.[1]) / 1024;
}

/**
 * Leaves about 40 MB free but resident inside glibc's arena, the way a run leaves it: many small
 * blocks allocated (and written, so resident), then all freed but every 50th, whose blocks keep
 * the arena from shrinking from the top. Returns a function that frees the rest.
 */
function fragmentArena(): () => void {
  const libc = Deno.dlopen("libc.so.6", {
    malloc: { parameters: ["usize"], result: "pointer" },
    memset: { parameters: ["pointer", "i32", "usize"], result: "pointer" },
    free: { parameters: ["pointer"], result: "void" },
  });
  const blocks: Deno.PointerValue[] = [];
  for (let i = 0; i < 40_000; i++) {
    const size = 1000 + (i % 7) * 20;
    const block = libc.symbols.malloc(BigInt(size));
    libc.symbols.memset(block, 1, BigInt(size));
    blocks.push(block);
  }
  const kept = blocks.filter((block, i) => i % 50 === 0 || (libc.symbols.free(block), false));
  return () => {
    for (const block of kept) libc.symbols.free(block);
    libc.close();
  };
}

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

Deno.test({
  name: "trimMalloc gives the free memory inside glibc's arena back to the system",
  ignore: !glibc,
  fn() {
    const release = fragmentArena();
    try {
      const before = anonMb();
      assert.equal(trimMalloc(), true);
      const after = anonMb();
      assert.ok(before - after >= 20, `resident anonymous memory went from ${before} MB to ${after} MB`);
    } finally {
      release();
    }
  },
});

Deno.test({
  name: "startMallocTrim trims on each quiet interval until it is stopped",
  ignore: !glibc,
  async fn() {
    const stop = startMallocTrim(200, 0.1);
    const release = fragmentArena();
    try {
      const before = anonMb();
      await new Promise((r) => setTimeout(r, 1000));
      const after = anonMb();
      assert.ok(before - after >= 20, `resident anonymous memory went from ${before} MB to ${after} MB`);
    } finally {
      stop();
      release();
    }
  },
});

Deno.test({
  name: "startMallocTrim skips intervals in which the process was busy",
  ignore: !glibc,
  async fn() {
    // A worker thread keeps the process busy (one core, or what the machine's load leaves of it) for 1.5 s.
    const busy = new Worker(
      "data:text/javascript,postMessage('spinning'); const t = performance.now(); while (performance.now() - t < 1500); postMessage('done')",
      { type: "module" },
    );
    const messages: string[] = [];
    const done = new Promise((resolve) => {
      busy.onmessage = (e) => messages.push(e.data) === 2 && resolve(undefined);
    });
    await waitUntil(() => messages.length > 0);
    const stop = startMallocTrim(200, 0.1);
    const release = fragmentArena();
    try {
      const before = anonMb();
      await done;
      const busyEnd = anonMb();
      assert.ok(before - busyEnd < 5, `resident anonymous memory went from ${before} MB to ${busyEnd} MB while busy`);
      await new Promise((r) => setTimeout(r, 1000));
      const quiet = anonMb();
      assert.ok(busyEnd - quiet >= 20, `resident anonymous memory went from ${busyEnd} MB to ${quiet} MB once quiet`);
    } finally {
      stop();
      busy.terminate();
      release();
    }
  },
});

Deno.test({
  name: "trimMalloc does nothing and says so where glibc's malloc_trim is missing",
  ignore: Deno.build.os === "linux",
  fn() {
    assert.equal(trimMalloc(), false);
    startMallocTrim(10)();
  },
});
