import assert from "node:assert/strict";
import { isLauncher, launchersToWatch } from "./launcher.ts";

Deno.test("isLauncher knows npm exec, its shell and deno task, and nothing else", () => {
  const cases: [string[], boolean][] = [
    [["npm exec deno@2.9.6 task start"], true],
    [["/usr/bin/node", "/usr/bin/npx", "-y", "deno@2.9.6", "task", "start"], true],
    [["sh", "-c", "deno task start"], true],
    [["sh", "-c", "'deno' task start"], true], // npm exec quotes the command
    [["/bin/sh", "-c", "/root/.npm/_npx/x/node_modules/deno/deno task start"], true],
    [["/root/.npm/_npx/x/node_modules/deno/deno", "task", "start"], true],
    [["deno", "test", "-A"], false],
    [["deno", "run", "-A", "main.ts"], false],
    [["-bash"], false],
    [["bash", "-c", "make all"], false],
    [["/lib/systemd/systemd", "--user"], false],
    [["node", "server.js"], false],
    [["node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "exec", "deno"], true],
    [["node", "/usr/lib/node_modules/npm/bin/npm-cli.js", "install"], false],
  ];
  for (const [argv, expected] of cases) assert.equal(isLauncher(argv), expected, argv.join(" "));
});

Deno.test("launchersToWatch stops at the first process that is not a launcher", () => {
  const p = (pid: number, ...argv: string[]) => ({ pid, ppid: pid - 1, argv });
  assert.deepEqual(
    launchersToWatch([
      p(40, "deno", "task", "start"),
      p(30, "sh", "-c", "deno task start"),
      p(20, "npm exec deno@2.9.6 task start"),
      p(10, "-bash"),
      p(5, "sh", "-c", "deno task start"),
    ]),
    [40, 30, 20],
  );
  assert.deepEqual(launchersToWatch([p(9, "deno", "test", "-A"), p(8, "deno", "task", "test")]), []);
  assert.deepEqual(launchersToWatch([]), []);
});
