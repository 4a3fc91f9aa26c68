/**
 * Gives memory that the C allocator keeps after a burst of work back to the system.
 *
 * Measured (bench/memory.ts, bench/notes.md): after a 500-scene run the app's own allocations are
 * back to where they were at idle (glibc's `mallinfo2`: 16 MB in use before and after), but glibc's
 * main arena (the `[heap]` mapping, where the JavaScript thread allocates) has grown from 19 to
 * 41 MB and keeps the 25 MB now free: its heap only shrinks from the top, and a few live blocks sit
 * above the holes. At the end of the run most of the extra memory in use was ArrayBuffer contents
 * (V8's external memory, 1.6 → 13 MB), which V8 frees at its next garbage collection. That free
 * memory stayed resident (the 25–30 MB the app settled higher) until `malloc_trim(0)`, which hands
 * the free pages inside the arenas back (`madvise`): then the app was back to idle plus 3 MB.
 *
 * So the servers call `malloc_trim(0)` every 10 s that was quiet ({@link startMallocTrim}): a few
 * microseconds when there is nothing to give back, 6 ms to give back 46 MB. Only where it exists:
 * glibc Linux, with the FFI permission (`-A` grants it). Elsewhere (macOS, musl, no permission)
 * it does nothing.
 */
import process from "node:process";

/** How often the servers trim: soon enough after V8's memory reducer, which runs some seconds after work. */
export const TRIM_INTERVAL_MS = 10_000;

/** An interval is quiet when the process used at most this share of one core in it. */
export const QUIET_SHARE = 0.05;

type Libc = Deno.DynamicLibrary<{ malloc_trim: { parameters: ["usize"]; result: "i32" } }>;

let libc: Libc | null | undefined;

function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  // Asked, not requested: without the permission Deno would prompt on a terminal.
  if (Deno.build.os !== "linux" || Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return libc;
  try {
    libc = Deno.dlopen("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
  } catch {
    // Not glibc (musl has no libc.so.6 with malloc_trim): nothing to trim with.
  }
  return libc;
}

/**
 * Asks glibc to return the free memory of its arenas to the system (`malloc_trim(0)`). Returns
 * false where glibc's `malloc_trim` is not available (then nothing happened), else true. Safe to
 * call at any time from any code: glibc locks each arena while it trims it.
 */
export function trimMalloc(): boolean {
  const lib = openLibc();
  lib?.symbols.malloc_trim(0n);
  return lib !== null;
}

/**
 * Trims every `intervalMs` ({@link TRIM_INTERVAL_MS}) that was quiet — the process (all its
 * threads) used at most `quietShare` of one core meanwhile — until the returned function is called.
 * Busy intervals are skipped: memory freed during a run is soon used again, and a trim then would
 * only add page faults and hold the arena locks while jobs run; what matters is the memory kept
 * once the work is over. The timer does not keep the process alive. Does nothing where
 * {@link trimMalloc} is unavailable.
 */
export function startMallocTrim(intervalMs = TRIM_INTERVAL_MS, quietShare = QUIET_SHARE): () => void {
  if (!trimMalloc()) return () => {};
  let last = process.cpuUsage();
  const timer = setInterval(() => {
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    if ((used.user + used.system) / 1000 <= intervalMs * quietShare) trimMalloc();
  }, intervalMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
