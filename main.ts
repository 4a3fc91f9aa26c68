/**
 * Scene Studio's entry point: `deno run -A main.ts [command]` — `serve` (the default: web server
 * and worker in one process, what `deno task start` runs), `web`, `worker` (also `--worker-only`),
 * `migrate`, `import`, `status`, `export`. The commands live in cli/ (cli/commands.ts lists them);
 * README "Command line" documents them and their exit statuses.
 */
import { runCommandLine } from "./cli/run.ts";

const started = performance.now();
Deno.exit(await runCommandLine(Deno.args, started));
