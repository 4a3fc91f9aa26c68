/**
 * The command line (cli/): each command run as a subprocess of `deno run -A main.ts` against a
 * fresh database, checked by what it prints, its exit status and what it changed in the database.
 */
import assert from "node:assert/strict";
import { connect } from "../core/db/client.ts";
import { freshDatabase, withDatabase } from "./helpers/db.ts";
import { fromFileUrl } from "./helpers/paths.ts";
import { spawnWorker, testConfig, waitFor } from "./helpers/worker.ts";

const MAIN = fromFileUrl(new URL("../main.ts", import.meta.url));
const MIGRATIONS =
  [...Deno.readDirSync(new URL("../migrations/", import.meta.url))].filter((e) => e.name.endsWith(".sql")).length;

/** Runs main.ts with `args` to its end; stdout and stderr apart. `env` adds variables (undefined: unset). */
async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const fullEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...Deno.env.toObject(), ...env })) {
    if (value !== undefined) fullEnv[name] = value;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", MAIN, ...args],
    env: fullEnv,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("usage errors: one readable line on stderr and exit status 2", async () => {
  for (
    const [args, pattern] of [
      [["bogus"], /Unknown command "bogus": use one of serve, web, worker, migrate, import, status, export/],
      [["status", "--frob"], /"status" has no option --frob/],
      [["import"], /"import" needs FILE/],
      [["status", "1", "2"], /"status" takes \[PROJECT\], not "2"/],
      [["export", "1", "--data-dir"], /The option --data-dir needs a value/],
      [["--web-only", "--worker-only"], /--web-only cannot be combined with --worker-only/],
    ] as const
  ) {
    const r = await cli([...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.split("\n").length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  }
});

Deno.test("--help: the overview and each command's options, exit status 0", async () => {
  const overview = await cli(["--help"]);
  assert.equal(overview.code, 0);
  for (const name of ["serve", "web", "worker", "migrate", "import", "status", "export"]) {
    assert.match(overview.stdout, new RegExp(`^  ${name} `, "m"));
    const help = await cli([name, "--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`^Usage: deno run -A main.ts ${name}`));
    assert.match(help.stdout, /--data-dir VALUE .*STUDIO_DATA_DIR/);
  }
  assert.match((await cli(["serve", "--help"])).stdout, /--port VALUE .*PORT/);
});

Deno.test("a bad setting, as flag or variable, is one line naming it and exit status 1", async () => {
  const flag = await cli(["migrate", "--database-url", "mysql://x"]);
  assert.equal(flag.code, 1);
  assert.match(flag.stderr, /^The environment variable DATABASE_URL="mysql:\/\/x" is not valid/);
  const logFlag = await cli(["status", "--log-format", "xml"]);
  assert.equal(logFlag.code, 1);
  assert.equal(logFlag.stderr, 'The environment variable LOG_FORMAT="xml" is not valid: must be text or json.');
  const variable = await cli(["serve"], { PORT: "not-a-port" });
  assert.equal(variable.code, 1);
  assert.equal(variable.stderr.split("\n").length, 1);
  assert.match(variable.stderr, /PORT/);
});

Deno.test("migrate: applies every migration to an empty database, then has nothing to do", async () => {
  const base = await freshDatabase("cli_migrate");
  const name = `${base.name}_empty`;
  await base.sql.unsafe(`create database ${name}`);
  const url = withDatabase(base.url, name);
  try {
    const first = await cli(["migrate", "--database-url", url]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`^Applied ${MIGRATIONS} migration\\(s\\): 001_foundation\\.sql, `));
    const sql = connect(url, { max: 1 });
    try {
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from schema_migrations`;
      assert.equal(n, MIGRATIONS);
    } finally {
      await sql.end();
    }
    const again = await cli(["migrate"], { DATABASE_URL: url });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, "The database is up to date: no migration was missing.");
  } finally {
    await base.sql.unsafe(`drop database if exists ${name} with (force)`);
    await base.drop();
  }
});

Deno.test("import, status and export: a project from a file, its state, an export queued and rendered", async () => {
  const db = await freshDatabase("cli_import");
  const config = await testConfig(db);
  const env = { DATABASE_URL: db.url, STUDIO_DATA_DIR: config.dataDir };
  const file = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(file, "# Dawn\nThe sun rises. A bird sings.\n\n# Dusk\nThe lamp is lit.");
    const imported = await cli(["import", file, "--title", "From a file", "--port", "9999"], env);
    assert.equal(imported.code, 2, "import takes no --port");
    const ok = await cli(["import", file, "--title", "From a file"], env);
    assert.equal(ok.code, 0, ok.stderr);
    const match =
      /^Created project (\d+) "From a file": 2 section\(s\), 3 scene\(s\)\. Open http:\/\/127\.0\.0\.1:8000\/projects\/(\d+)$/
        .exec(ok.stdout);
    assert.ok(match, ok.stdout);
    const id = Number(match[1]);
    const [project] = await db.sql`
      select title, (select count(*)::int from sentences where project_id = p.id) as sentences from projects p
      where id = ${id}`;
    assert.deepEqual({ ...project }, { title: "From a file", sentences: 3 });

    const empty = await Deno.makeTempFile();
    const noScene = await cli(["import", empty], env);
    await Deno.remove(empty);
    assert.equal(noScene.code, 1);
    assert.match(noScene.stderr, /^The project cannot be created: script must not be empty\.$/);
    const missing = await cli(["import", "/nonexistent/script.txt"], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'The script file "/nonexistent/script.txt" cannot be read: there is no such file.');

    const text = await cli(["status", String(id)], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^Project ${id} "From a file"`));
    assert.match(text.stdout, /Workers\n {2}\(none\)/);
    const unknown = await cli(["status", "999999"], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^There is no project with id 999999/);

    // Nothing to show yet: refused with the API's reason; with placeholders, queued.
    const refused = await cli(["export", String(id)], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--placeholders/);
    assert.equal((await db.sql`select 1 from exports`).length, 0);
    const queued = await cli(["export", String(id), "--placeholders"], env);
    assert.equal(queued.code, 0, queued.stderr);
    assert.match(queued.stdout, /^Queued export (\d+) of project \d+\.\nNo worker is running to render it/);
    const [row] = await db.sql<{ id: number; status: string }[]>`select id, status from exports`;
    assert.equal(row.status, "queued");
    const [job] = await db.sql`select queue_name from graphile_worker.jobs where key = ${`export:${row.id}`}`;
    assert.equal(job.queue_name, "exports");

    const json = JSON.parse((await cli(["status", String(id), "--json"], env)).stdout);
    assert.equal(json.project.title, "From a file");
    assert.deepEqual(json.exports.map((e: { id: number; status: string }) => [e.id, e.status]), [[row.id, "queued"]]);
    assert.ok(json.queues.some((q: { queue: string; waiting: number }) => q.queue === "exports" && q.waiting === 1));

    // A worker started with the new command name renders it; export follows it to the end.
    const worker = spawnWorker(db, config); // `--worker-only`: the old spelling of `worker`
    try {
      await waitFor(
        "a worker heartbeat",
        async () => (await db.sql`select 1 from worker_heartbeats`).length > 0,
        60_000,
      );
      const followed = await cli(["export", String(id), "--placeholders"], env);
      assert.equal(followed.code, 0, followed.stderr);
      assert.match(followed.stdout, new RegExp(`^Export ${row.id} of project ${id} is already (queued|running)`));
      const done = new RegExp(`Export ${row.id} is done: (.+\\.mp4)$`).exec(followed.stdout);
      assert.ok(done, followed.stdout);
      assert.ok((await Deno.stat(done[1])).size > 0);
    } finally {
      worker.child.kill("SIGINT");
      await worker.status;
    }
  } finally {
    await Deno.remove(file).catch(() => {});
    await Deno.remove(config.dataDir, { recursive: true }).catch(() => {});
    await db.drop();
  }
});

Deno.test("web and worker by their command names, with --port and --database-url as flags", async () => {
  const db = await freshDatabase("cli_serve");
  const config = await testConfig(db);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const spawn = (args: string[]) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-prompt", MAIN, ...args, "--database-url", db.url, "--data-dir", config.dataDir],
      env: { ...Deno.env.toObject(), DATABASE_URL: "" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let output = "";
    const decoder = new TextDecoder();
    const pumps = Promise.all([child.stdout, child.stderr].map(async (s) => {
      for await (const chunk of s) output += decoder.decode(chunk, { stream: true });
    }));
    return {
      output: () => output,
      async stop() {
        child.kill("SIGINT");
        const status = await child.status;
        await pumps;
        return status.code;
      },
    };
  };
  const web = spawn(["web", "--port", String(port)]);
  const worker = spawn(["worker"]);
  try {
    await waitFor("the web server", () => web.output().includes("Scene Studio is ready"), 60_000);
    await waitFor("the worker", () => worker.output().includes("is taking image, video"), 60_000);
    assert.match(web.output(), new RegExp(`listening on .*:${port}`));
    assert.doesNotMatch(web.output(), /is taking image, video/);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.deepEqual(await res.json(), { ok: true });
  } finally {
    assert.equal(await web.stop(), 0, web.output());
    assert.equal(await worker.stop(), 0, worker.output());
    await Deno.remove(config.dataDir, { recursive: true }).catch(() => {});
    await db.drop();
  }
});

Deno.test("without DATABASE_URL: import and status use the embedded Postgres of --data-dir and stop it after", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "studio-cli-" });
  await Deno.chmod(dataDir, 0o755);
  const run = (args: string[]) => cli([...args, "--data-dir", dataDir], { DATABASE_URL: undefined });
  try {
    const script = `${dataDir}/script.md`;
    await Deno.writeTextFile(script, "The tide turns. Gulls cry.");
    const imported = await run(["import", script]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^Created project 1 "script": 1 section\(s\), 2 scene\(s\)\./);
    // The database's own lines went to stderr, keeping stdout the answer.
    assert.match(imported.stderr, /Created the embedded database/);
    const status = await run(["status", "1", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).project.title, "script");
    await assert.rejects(Deno.stat(`${dataDir}/postgres/postmaster.pid`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
