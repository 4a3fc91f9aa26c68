/**
 * Stops the app when the program that launched it is gone. `npx -y deno@2.9.6 task start` runs
 * npm exec → sh -c "deno task start" → deno task → deno run main.ts. A supervisor that sends
 * SIGTERM (or SIGINT) to the top process only reaches npm, which passes it to its shell, which dies
 * without passing it on: the app kept running and held the port. So the app notes the chain of
 * launchers above it at start-up (npm exec / npx, a `sh -c` running deno, `deno task`) and treats
 * the exit of any of them like a SIGTERM. The chain ends at the first other process (a login
 * shell, systemd, a test runner), so `nohup deno task start &` outlives its terminal as before.
 */
import { processRuns } from "./process.ts";

/** A process as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** argv (npm rewrites its own to "npm exec deno@2.9.6 task start"). */
  argv: string[];
}

/** Whether `argv` is one of the launchers named in the module notes. */
export function isLauncher(argv: string[]): boolean {
  const [first = "", ...rest] = argv;
  const name = first.split("/").pop() ?? "";
  const line = argv.join(" ");
  if (name === "deno") return rest[0] === "task";
  if (["sh", "bash", "dash"].includes(name)) {
    return rest[0] === "-c" && /(^|[\s/'"])deno['"]?\s+(task|run)\b/.test(rest[1] ?? "");
  }
  if (/^npm exec\b/.test(line)) return true; // npm's own process title
  const isNpx = argv.some((a) => /(^|\/)(npx|npx-cli\.js)$/.test(a));
  return isNpx || (argv.some((a) => /(^|\/)(npm|npm-cli\.js)$/.test(a)) && argv.includes("exec"));
}

/**
 * The launchers to watch: the ancestors of the first entry's parent, nearest first, while each is
 * a launcher. `ancestors` is the chain above this process (parent first).
 *
 * @example
 * launchersToWatch([{ pid: 9, ppid: 8, argv: ["deno", "task", "start"] }, { pid: 8, ppid: 1, argv: ["-bash"] }]) // [9]
 */
export function launchersToWatch(ancestors: ProcessInfo[]): number[] {
  const out: number[] = [];
  for (const p of ancestors) {
    if (!isLauncher(p.argv)) break;
    out.push(p.pid);
  }
  return out;
}

/** Reads a process from /proc (Linux); null when it is gone or unreadable. */
export function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const argv = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").filter(Boolean);
    return { pid, ppid, argv };
  } catch {
    return null;
  }
}

/** The processes above `pid`, parent first, up to (not including) init. */
export function ancestorsOf(pid: number): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let current = readProcess(pid);
  while (current && current.ppid > 1 && out.length < 32) {
    const parent = readProcess(current.ppid);
    if (!parent) break;
    out.push(parent);
    current = parent;
  }
  return out;
}

/**
 * Calls `onGone` once when a launcher of this process exits (checked every `everyMs`, without
 * keeping the process alive). Returns a function that stops watching. Does nothing off Linux.
 */
export function watchLaunchers(onGone: (description: string) => void, everyMs = 500): () => void {
  if (Deno.build.os !== "linux") return () => {};
  const ancestors = ancestorsOf(Deno.pid);
  const pids = launchersToWatch(ancestors);
  const watched = ancestors.filter((p) => pids.includes(p.pid));
  if (watched.length === 0) return () => {};
  const timer = setInterval(() => {
    const gone = watched.find((p) => !processRuns(p.pid));
    if (!gone) return;
    clearInterval(timer);
    onGone(`the program that started Scene Studio (${gone.argv.slice(0, 3).join(" ")}, pid ${gone.pid}) exited`);
  }, everyMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
