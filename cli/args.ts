/**
 * The command line: `main.ts [command] [arguments] [--flags]`, parsed with node:util's parseArgs
 * (strict: an unknown flag or a missing value is a {@link UsageError}). Every setting flag is the
 * same setting as an environment variable ({@link SETTING_FLAGS}); a flag wins over the variable.
 */
import { parseArgs } from "node:util";

/** Exit statuses of every command (README "Command line"). */
export const EXIT = {
  /** Done, or (servers) stopped by Ctrl-C/SIGINT or SIGTERM. */
  OK: 0,
  /** Could not do it: a bad setting, the port in use, the database unreachable, an unknown project. */
  FAILED: 1,
  /** Unknown command, unknown flag, or a missing or extra argument. */
  USAGE: 2,
  /** A fault that did not heal (restarts used up), or a worker-only process's worker stopped. */
  FAULT: 75,
} as const;

/**
 * The program as help and messages name it: `main.ts` in a checkout, `studio.js` for the one-file
 * build (dist/studio.js), whatever file Deno was asked to run.
 */
export const PROGRAM = Deno.mainModule.startsWith("file:")
  ? decodeURIComponent(new URL(Deno.mainModule).pathname.split("/").pop() ?? "main.ts")
  : "main.ts";

/** A command line the program cannot follow: printed as one line, exit status {@link EXIT.USAGE}. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Flags that set an environment variable's setting (config.ts), by flag name. */
export const SETTING_FLAGS = {
  port: "PORT",
  host: "HOST",
  "data-dir": "STUDIO_DATA_DIR",
  "database-url": "DATABASE_URL",
  "log-format": "LOG_FORMAT",
  "log-level": "LOG_LEVEL",
} as const;

export type SettingFlag = keyof typeof SETTING_FLAGS;

/** One command's shape: its settings flags, own flags, positionals, and help text. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `FILE`, `[PROJECT]` …, as shown in the usage line. */
  usage: string;
  settings: SettingFlag[];
  /** Own flags: boolean or string-valued, with a line of help each. */
  flags?: Record<string, { type: "boolean" | "string"; help: string }>;
  /** Least and most positionals. */
  positionals: [number, number];
  /** What the command does, in a few lines. */
  description: string;
}

/** A parsed command line. */
export interface Invocation {
  command: string;
  positionals: string[];
  /** The command's own flags. */
  flags: Record<string, string | boolean | undefined>;
  /** Environment variables set by setting flags. */
  env: Record<string, string>;
  help: boolean;
}

const SETTING_HELP: Record<SettingFlag, string> = {
  port: "HTTP port (PORT, default 8000)",
  host: "address to listen on (HOST, default 127.0.0.1)",
  "data-dir": "data folder: embedded database and media (STUDIO_DATA_DIR, default ./data)",
  "database-url": "Postgres connection string (DATABASE_URL; unset = the embedded Postgres)",
  "log-format": "text or json: one JSON object per log line (LOG_FORMAT, default text)",
  "log-level": "debug, info, warn or error (LOG_LEVEL, default info)",
};

/** Old spellings kept working: `main.ts --worker-only` is `main.ts worker`. */
const ALIASES: Record<string, string> = { "--worker-only": "worker", "--web-only": "web" };

/**
 * Parses `argv` (Deno.args) against the command specs: the first argument names the command
 * (`serve` when there is none or it is a flag); throws {@link UsageError} for anything unknown.
 */
export function parseCommandLine(argv: string[], specs: CommandSpec[]): Invocation {
  const args = [...argv];
  let name = "serve";
  const alias = args.findIndex((a) => a in ALIASES);
  if (alias >= 0) {
    name = ALIASES[args[alias]];
    args.splice(alias, 1);
    const other = args.find((a) => a in ALIASES || specs.some((s) => s.name === a));
    if (other) throw new UsageError(`${argv[alias]} cannot be combined with ${other}.`);
  } else if (args.length && !args[0].startsWith("-")) {
    name = args.shift()!;
  } else if (args[0] === "--help" || args[0] === "-h") {
    return { command: "help", positionals: [], flags: {}, env: {}, help: true };
  }
  if (name === "help") return { command: "help", positionals: args, flags: {}, env: {}, help: true };
  const spec = specs.find((s) => s.name === name);
  if (!spec) {
    throw new UsageError(
      `Unknown command "${name}": use one of ${specs.map((s) => s.name).join(", ")} (or --help).`,
    );
  }
  const options: Record<string, { type: "boolean" | "string"; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const flag of spec.settings) options[flag] = { type: "string" };
  for (const [flag, { type }] of Object.entries(spec.flags ?? {})) options[flag] = { type };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${describeParseError(error as Error, spec)} See: ${PROGRAM} ${spec.name} --help.`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { command: spec.name, positionals: [], flags: {}, env: {}, help: true };
  const [least, most] = spec.positionals;
  if (parsed.positionals.length < least) {
    throw new UsageError(
      `"${spec.name}" needs ${spec.usage.trim()}: ${PROGRAM} ${spec.name} ${spec.usage}`.trimEnd() + ".",
    );
  }
  if (parsed.positionals.length > most) {
    throw new UsageError(
      `"${spec.name}" takes ${most === 0 ? "no arguments" : spec.usage.trim()}, not "${
        parsed.positionals.slice(most).join(" ")
      }".`,
    );
  }
  const env: Record<string, string> = {};
  const flags: Invocation["flags"] = {};
  for (const [key, value] of Object.entries(values)) {
    if (key === "help") continue;
    if (key in SETTING_FLAGS) env[SETTING_FLAGS[key as SettingFlag]] = String(value);
    else flags[key] = value;
  }
  return { command: spec.name, positionals: parsed.positionals, flags, env, help: false };
}

/** parseArgs' messages name the flag but suggest `--` tricks; say it plainly instead. */
function describeParseError(error: Error, spec: CommandSpec): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) return `"${spec.name}" has no option ${unknown[1]}.`;
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(error.message);
  if (missing) return `The option ${missing[1]} needs a value.`;
  const notValue = /Option '(--[\w-]+)' does not take an argument/.exec(error.message);
  if (notValue) return `The option ${notValue[1]} takes no value.`;
  return error.message.split("\n")[0];
}

/** The help text of one command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: deno run -A ${PROGRAM} ${spec.name} ${spec.usage}`.trimEnd(), "", spec.description, ""];
  const rows: [string, string][] = [
    ...spec.settings.map((f): [string, string] => [`--${f} VALUE`, SETTING_HELP[f]]),
    ...Object.entries(spec.flags ?? {}).map(([f, d]): [string, string] => [
      d.type === "string" ? `--${f} VALUE` : `--${f}`,
      d.help,
    ]),
    ["-h, --help", "show this help"],
  ];
  const width = Math.max(...rows.map(([f]) => f.length));
  lines.push("Options:", ...rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`));
  lines.push("", 'Every other setting comes from its environment variable (README "Configuration").');
  return lines.join("\n");
}

/** The overview: every command with its summary, and the exit statuses. */
export function overviewHelp(specs: CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => s.name.length));
  return [
    `Usage: deno run -A ${PROGRAM} [command] [arguments] [options]`,
    "",
    "Commands (serve when none is given):",
    ...specs.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    "",
    `Run ${PROGRAM} COMMAND --help for a command's arguments and options.`,
    "Exit statuses: 0 done or stopped by a signal, 1 failed (the line printed says why), 2 unknown command",
    "or option, 75 a fault that did not heal (servers; restart the process).",
  ].join("\n");
}
