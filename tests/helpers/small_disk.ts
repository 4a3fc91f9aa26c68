/**
 * A tiny real filesystem for "the disk is full" tests: a tmpfs of a few megabytes mounted on a
 * fresh folder (needs root, which the test machines and CI have). Writes past its size fail with
 * ENOSPC exactly as on a full disk.
 */

/** A mounted small filesystem. */
export interface SmallDisk {
  path: string;
  /** Bytes still free. */
  free(): Promise<number>;
  /** Unmounts it and removes the folder. */
  remove(): Promise<void>;
}

/** Why a small disk cannot be mounted here, or null when it can. */
export function smallDiskUnavailable(): string | null {
  if (Deno.build.os !== "linux") return "tmpfs mounts need Linux";
  if (Deno.uid() !== 0) return "mounting a tmpfs needs root";
  return null;
}

/** Mounts a tmpfs of `bytes` (rounded up to pages) on a new temporary folder. */
export async function mountSmallDisk(bytes: number): Promise<SmallDisk> {
  const path = await Deno.makeTempDir({ prefix: "studio-small-disk-" });
  const out = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${bytes},mode=0755`, "tmpfs", path],
    stderr: "piped",
  }).output();
  if (!out.success) {
    await Deno.remove(path).catch(() => {});
    throw new Error(`Mounting a ${bytes}-byte tmpfs failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return {
    path,
    async free() {
      const df = await new Deno.Command("df", { args: ["-B1", "--output=avail", path], stdout: "piped" }).output();
      return Number(new TextDecoder().decode(df.stdout).trim().split("\n").pop());
    },
    async remove() {
      await new Deno.Command("umount", { args: ["-l", path] }).output();
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}
