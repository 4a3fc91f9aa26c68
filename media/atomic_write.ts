/**
 * Writing into the media folder so that a reader (the browser, the next job, a restart) never sees
 * half a file: write under a hidden temporary name in the same directory, flush it to the disk,
 * rename it over the final name, and flush the directory so the rename survives a power cut.
 * On any failure (a full disk above all) the temporary file is removed and the error is rethrown
 * unchanged, so core/system/faults.ts can classify it (ENOSPC → "The media disk is full …").
 */
import { basename, dirname, join } from "node:path";

/** A hidden temporary name next to `path`: `.<name>.<random>.part`. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.part`);
}

/**
 * Writes `bytes` to `path` atomically (see the module notes).
 *
 * @example
 * await writeFileAtomic(file.absolute, pngBytes);
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(path);
  try {
    const file = await Deno.open(temporary, { write: true, createNew: true, mode: 0o644 });
    try {
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await commitFile(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Moves a finished temporary file (written by another program, e.g. ffmpeg) onto `path`: flushes
 * it, renames it, flushes the directory. The temporary file must be in the same directory.
 */
export async function commitFile(temporary: string, path: string): Promise<void> {
  if (dirname(temporary) !== dirname(path)) {
    throw new Error(`A temporary file must sit next to its final name to be renamed atomically.`);
  }
  const file = await Deno.open(temporary, { read: true, write: true });
  try {
    await file.sync();
  } finally {
    file.close();
  }
  await Deno.rename(temporary, path);
  await syncDirectory(dirname(path));
}

/** Flushes a directory's entries (a rename) to the disk; best effort where the OS refuses. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Deno.FsFile | undefined;
  try {
    handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Some filesystems cannot fsync a directory; the rename itself is still atomic.
  } finally {
    handle?.close();
  }
}
