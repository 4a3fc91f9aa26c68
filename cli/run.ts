/**
 * Runs the command line of main.ts: parses it (./args.ts), reads the settings with the flags laid
 * over the environment, and runs the command. Prints one line and exits 2 for a command line it
 * cannot follow, 1 for a bad setting or a command that failed; servers exit by themselves.
 */
import { ConfigError, loadConfig } from "../config.ts";
import { configureLog, createLogger } from "../core/system/log.ts";
import { commandHelp, EXIT, type Invocation, overviewHelp, parseCommandLine, UsageError } from "./args.ts";
import { COMMANDS } from "./commands.ts";
import { CommandError } from "./database.ts";
import { exportCommand } from "./export.ts";
import { importCommand } from "./import.ts";
import { migrateCommand } from "./migrate.ts";
import { runServer } from "./serve.ts";
import { statusCommand } from "./status.ts";

/** Runs `argv` (Deno.args); resolves with the exit status of a one-shot command. */
export async function runCommandLine(argv: string[], started = performance.now()): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv, COMMANDS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return EXIT.USAGE;
  }
  if (invocation.help) {
    const spec = COMMANDS.find((s) => s.name === invocation.command);
    console.log(spec ? commandHelp(spec) : overviewHelp(COMMANDS));
    return EXIT.OK;
  }
  let config;
  try {
    config = loadConfig({ ...Deno.env.toObject(), ...invocation.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return EXIT.FAILED;
  }
  const { command, positionals, flags } = invocation;
  configureLog({ format: config.logFormat, level: config.logLevel });
  // A command's answer goes to stdout; what the database prints while starting goes to stderr.
  const out = (line: string) => console.log(line);
  const stderr = (line: string) => console.error(line);
  const quiet = createLogger({ format: config.logFormat, level: config.logLevel, sink: { out: stderr, err: stderr } });
  const log = (line: string) => quiet.info(line);
  try {
    switch (command) {
      case "serve":
      case "web":
      case "worker":
        await runServer(config, { web: command !== "worker", worker: command !== "web" }, started);
        return EXIT.OK; // not reached: servers end the process themselves
      case "migrate":
        await migrateCommand(config, out, log);
        break;
      case "import":
        await importCommand(
          config,
          positionals[0],
          {
            title: flags.title as string | undefined,
            aspectRatio: flags["aspect-ratio"] as string | undefined,
          },
          out,
          log,
        );
        break;
      case "status":
        await statusCommand(config, positionals[0], flags.json === true, out, log);
        break;
      case "export":
        await exportCommand(
          config,
          positionals[0],
          {
            placeholders: flags.placeholders === true,
            burnIn: flags["burn-in-captions"] === true,
            detach: flags.detach === true,
          },
          out,
          log,
        );
        break;
    }
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    console.error(error.message);
    return EXIT.FAILED;
  }
  return EXIT.OK;
}
