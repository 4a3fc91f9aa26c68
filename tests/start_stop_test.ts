/**
 * The README's start command as a newcomer runs it: main.ts on an embedded Postgres in a fresh
 * data directory, the demo storyboard served, Ctrl-C (SIGINT) stops everything cleanly, and a
 * second start finds the data again.
 */
import assert from "node:assert/strict";
import { processRuns } from "../core/system/process.ts";
import { fromFileUrl } from "./helpers/paths.ts";

const MAIN = fromFileUrl(new URL("../main.ts", import.meta.url));

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function start(dataDir: string, port: number) {
  const env: Record<string, string> = { ...Deno.env.toObject(), STUDIO_DATA_DIR: dataDir, PORT: String(port) };
  delete env.DATABASE_URL; // the point of this test: the embedded database
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk);
  };
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]);
  return {
    child,
    output: () => output,
    async ready() {
      const deadline = Date.now() + 60_000;
      while (!output.includes("Scene Studio is ready")) {
        if (Date.now() > deadline) throw new Error(`Not ready within 60 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      child.kill("SIGINT");
      const status = await child.status;
      await done;
      return status;
    },
  };
}

Deno.test("start on an empty data dir, see the demo, Ctrl-C, start again: data kept", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "studio-start-" });
  await Deno.chmod(dataDir, 0o755);
  try {
    const port = freePort();
    const first = start(dataDir, port);
    await first.ready();
    const list = await (await fetch(`http://127.0.0.1:${port}/api/v1/projects`)).json();
    assert.equal(list.projects.length, 1);
    assert.equal(list.projects[0].sentenceCount, 24);
    const page = await fetch(`http://127.0.0.1:${port}/projects/${list.projects[0].id}`);
    assert.equal(page.status, 200);
    assert.equal((await page.text()).match(/class="scene-card"/g)?.length, 24);
    const created = await fetch(`http://127.0.0.1:${port}/api/v1/projects`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Kept", script: "One. Two." }),
    });
    assert.equal(created.status, 201);
    await created.body?.cancel();
    const status = await first.stop();
    assert.equal(status.code, 0, first.output());
    assert.match(first.output(), /Stopped\./);

    const second = start(dataDir, port);
    await second.ready();
    const again = await (await fetch(`http://127.0.0.1:${port}/api/v1/projects`)).json();
    assert.deepEqual(again.projects.map((p: { title: string }) => p.title).sort(), [
      "Kept",
      "The Lighthouse Keeper (demo)",
    ]);
    assert.doesNotMatch(second.output(), /Created the demo project/);
    assert.equal((await second.stop()).code, 0, second.output());
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("a bad setting stops start-up with one line naming the variable", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN],
    env: { ...Deno.env.toObject(), PORT: "not-a-port" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 1);
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /PORT/);
});

Deno.test("after a crash (SIGKILL) the next start adopts the left-over database and Ctrl-C stops it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "studio-start-" });
  await Deno.chmod(dataDir, 0o755);
  const postmasterPid = async () =>
    Number((await Deno.readTextFile(`${dataDir}/postgres/postmaster.pid`).catch(() => "")).split("\n")[0]);
  try {
    const port = freePort();
    const crashed = start(dataDir, port);
    await crashed.ready();
    crashed.child.kill("SIGKILL");
    await crashed.child.status;
    const pid = await postmasterPid();
    assert.ok(pid && processRuns(pid), "the database outlives the killed app");

    const second = start(dataDir, port);
    await second.ready();
    assert.match(second.output(), /Adopted the embedded Postgres/);
    const list = await (await fetch(`http://127.0.0.1:${port}/api/v1/projects`)).json();
    assert.equal(list.projects.length, 1, "the data is there");
    assert.equal((await second.stop()).code, 0, second.output());
    for (let i = 0; i < 100 && processRuns(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!processRuns(pid), "Ctrl-C stopped the adopted database too");
  } finally {
    const pid = await postmasterPid();
    if (pid && processRuns(pid)) Deno.kill(pid, "SIGQUIT");
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("a port already in use stops start-up with a readable line and leaves no database running", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "studio-start-" });
  await Deno.chmod(dataDir, 0o755);
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const env: Record<string, string> = {
      ...Deno.env.toObject(),
      STUDIO_DATA_DIR: dataDir,
      PORT: String((busy.addr as Deno.NetAddr).port),
    };
    delete env.DATABASE_URL;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    assert.match(new TextDecoder().decode(out.stderr), /is already in use .*set PORT to a free port/);
    const pid = Number((await Deno.readTextFile(`${dataDir}/postgres/postmaster.pid`).catch(() => "")).split("\n")[0]);
    assert.ok(!pid || !processRuns(pid), "the embedded database was stopped");
  } finally {
    busy.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

/** Whether `npx` can run here (CI runs everything through it). */
function hasNpx(): boolean {
  try {
    return new Deno.Command("npx", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

/** Waits until nothing listens on `port` any more; returns the ms it took, or -1 after `timeoutMs`. */
async function portReleased(port: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return Math.round(performance.now() - started);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return -1;
}

for (
  const [launcher, command] of [
    ["deno task start", [Deno.execPath(), "task", "start"]],
    ["npx -y deno@2.9.6 task start", ["npx", "-y", "deno@2.9.6", "task", "start"]],
  ] as const
) {
  // npm ignores a SIGINT sent to it alone (it expects the terminal to have sent Ctrl-C to the whole
  // process group, the app included): to npx, supervisors send SIGTERM (systemd and Docker do).
  for (const signal of command[0] === "npx" ? ["SIGTERM"] as const : ["SIGTERM", "SIGINT"] as const) {
    Deno.test({
      name: `${signal} to the top process of \`${launcher}\` stops the app, releases the port and stops its database`,
      ignore: command[0] === "npx" && !hasNpx(),
      fn: async () => {
        const dataDir = await Deno.makeTempDir({ prefix: "studio-start-" });
        await Deno.chmod(dataDir, 0o755);
        const port = freePort();
        const env: Record<string, string> = { ...Deno.env.toObject(), STUDIO_DATA_DIR: dataDir, PORT: String(port) };
        delete env.DATABASE_URL;
        const top = new Deno.Command(command[0], {
          args: command.slice(1),
          cwd: fromFileUrl(new URL("..", import.meta.url)),
          env,
          clearEnv: true,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        let output = "";
        const decoder = new TextDecoder();
        const pumps = [top.stdout, top.stderr].map(async (s) => {
          for await (const chunk of s) output += decoder.decode(chunk);
        });
        const postmaster = async () =>
          Number((await Deno.readTextFile(`${dataDir}/postgres/postmaster.pid`).catch(() => "")).split("\n")[0]);
        try {
          const deadline = Date.now() + 90_000;
          while (!output.includes("Scene Studio is ready")) {
            if (Date.now() > deadline) throw new Error(`Not ready within 90 s:\n${output}`);
            await new Promise((r) => setTimeout(r, 50));
          }
          const pid = await postmaster();
          top.kill(signal); // the top process only, as a supervisor would
          const released = await portReleased(port, 15_000);
          assert.ok(released >= 0, `the port is still held 15 s after ${signal}:\n${output}`);
          console.log(`${launcher}: port released ${released} ms after ${signal} to the top process`);
          for (let i = 0; i < 200 && processRuns(pid); i++) await new Promise((r) => setTimeout(r, 50));
          assert.ok(!processRuns(pid), "the embedded database stopped too");
          await Promise.race([Promise.all(pumps), new Promise((r) => setTimeout(r, 10_000))]);
          assert.match(output, /Stopped\./);
        } finally {
          try {
            top.kill("SIGKILL");
          } catch { /* gone */ }
          await top.status;
          await Promise.all(pumps).catch(() => {});
          const pid = await postmaster();
          if (pid && processRuns(pid)) Deno.kill(pid, "SIGQUIT");
          await Deno.remove(dataDir, { recursive: true }).catch(() => {});
        }
      },
    });
  }
}
