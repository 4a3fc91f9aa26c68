/**
 * Runs this Deno binary with a subcommand (`bundle`, `info` …) for the build scripts: colours off,
 * output collected. A failure throws with the subcommand, its exit code and what it printed on
 * stderr, so the build's error says what Deno refused.
 */

/**
 * Runs `deno <args>` (in `cwd`, default this process's) and returns its stdout.
 *
 * @example
 * const info = JSON.parse(await runDeno(["info", "--json", "main.ts"]));
 */
export async function runDeno(args: string[], options: { cwd?: string } = {}): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(`deno ${args[0]} failed (exit code ${output.code}):\n${decoder.decode(output.stderr).trim()}`);
  }
  return decoder.decode(output.stdout);
}
