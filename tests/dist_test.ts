/**
 * The one-file build as a self-hoster runs it: `deno task build` makes dist/studio.js, which is
 * copied ALONE into an empty folder and started there with `deno run -A studio.js` against an
 * empty database (DATABASE_URL, so no embedded Postgres). It must migrate the database, serve the
 * storyboard and its islands bundle, and complete a Generate All run with the offline draft
 * provider. Prints the file's size and its cold-start time (no assertions on time).
 *
 * Also: without DATABASE_URL and with neither npm nor node_modules, it stops with one line saying
 * what to set; NOTICES.md matches what the bundles contain; and `deno task compile` where Deno's
 * `denort` runtime can be had.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../core/db/client.ts";
import { ffmpegPath } from "../providers/ffmpeg.ts";
import { buildDist, compileDist, type DistBuild } from "../scripts/build_dist.ts";
import { currentNotices } from "../scripts/notices.ts";
import { freshDatabase, withDatabase } from "./helpers/db.ts";

const SCRIPT = "# Harbour\nA lighthouse stands on the rock. The keeper climbs the stairs.\n# Storm\nA storm rolls in.";

let built: Promise<DistBuild> | undefined;
/** One build per test file. */
function build(): Promise<DistBuild> {
  built ??= buildDist(() => {});
  return built;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** An empty database (no migrations) on the test server, dropped by the returned function. */
async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  // freshDatabase gives a server the test may create databases on; studio.js must migrate its own.
  const probe = await freshDatabase("dist_probe");
  const admin = withDatabase(probe.url, "postgres");
  const name = `t_dist_${crypto.randomUUID().slice(0, 8)}`;
  const sql = connect(admin, { max: 1 });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  return {
    url: withDatabase(admin, name),
    async drop() {
      await probe.drop();
      const sql = connect(admin, { max: 1 });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}

/** Runs `command` in `cwd` with exactly `env`, collecting its output. */
function spawn(command: string, args: string[], cwd: string, env: Record<string, string>) {
  const child = new Deno.Command(command, { args, cwd, env, clearEnv: true, stdout: "piped", stderr: "piped" })
    .spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const done = Promise.all([pump(child.stdout), pump(child.stderr)]);
  return {
    output: () => output,
    async ready(): Promise<void> {
      const deadline = Date.now() + 90_000;
      while (!output.includes("Scene Studio is ready")) {
        if (Date.now() > deadline) throw new Error(`Not ready within 90 s:\n${output}`);
        if (await Promise.race([child.status.then(() => true), delay(50).then(() => false)])) {
          await done;
          throw new Error(`Stopped before it was ready:\n${output}`);
        }
      }
    },
    async stop(): Promise<Deno.CommandStatus> {
      child.kill("SIGTERM");
      const status = await child.status;
      await done;
      return status;
    },
    async exited(): Promise<Deno.CommandStatus> {
      const status = await child.status;
      await done;
      return status;
    },
  };
}

/** The app's own start time from its ready line ("… (started in 1234 ms)."): after its modules loaded. */
function appStartMs(output: string): string {
  return output.match(/started in (\d+) ms/)?.[1] ?? "?";
}

function delay(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Environment with only what a self-hoster would set. */
function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1" };
  for (const name of ["PATH", "DENO_DIR", "TMPDIR"]) {
    const value = Deno.env.get(name);
    if (value) env[name] = value;
  }
  return { ...env, ...extra };
}

Deno.test("dist/studio.js alone in an empty folder migrates a fresh database, serves the storyboard and completes Generate All", async () => {
  const dist = await build();
  const folder = await Deno.makeTempDir({ prefix: "studio-dist-run-" });
  const db = await emptyDatabase();
  try {
    await Deno.copyFile(dist.path, join(folder, "studio.js"));
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    const startedAt = performance.now();
    const studio = spawn(
      Deno.execPath(),
      ["run", "-A", "studio.js"],
      folder,
      baseEnv({
        DATABASE_URL: db.url,
        PORT: String(port),
        // ffmpeg from settings (the checkout's): the test must not download it.
        FFMPEG_PATH: ffmpegPath(),
        AUDIO_PROVIDER: "simulated",
        SIMULATED_AUDIO_MS: "0",
      }),
    );
    try {
      await studio.ready();
      const coldStartMs = Math.round(performance.now() - startedAt);
      console.log(
        `dist figures | studio.js ${(dist.bytes / 1024 / 1024).toFixed(2)} MB (${
          (dist.gzipBytes / 1024 / 1024).toFixed(2)
        } MB gzipped), built in ${dist.ms} ms; cold start to ready ${coldStartMs} ms, of which the app's own start ${
          appStartMs(studio.output())
        } ms (first start: empty database, assets written)`,
      );

      const created = await fetch(`${base}/api/v1/projects`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: "Harbour", script: SCRIPT }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = await created.json();

      const started = await fetch(`${base}/api/v1/projects/${id}/generate-scenes`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(started.status, 202, await started.clone().text());
      await started.body?.cancel();
      let run: Record<string, unknown> & { images: { done: number }; videos: { done: number } };
      const deadline = Date.now() + 180_000;
      for (;;) {
        run = (await (await fetch(`${base}/api/v1/projects/${id}/scene-run`)).json()).run;
        if (run.status !== "active") break;
        if (Date.now() > deadline) throw new Error(`The run did not finish within 180 s: ${JSON.stringify(run)}`);
        await delay(250);
      }
      assert.equal(run.status, "completed", JSON.stringify(run));
      assert.equal(run.failedScenes, 0, JSON.stringify(run));
      assert.equal(run.images.done, 3);
      assert.equal(run.videos.done, 3);

      const project = await (await fetch(`${base}/api/v1/projects/${id}`)).json();
      const imageUrl: string = JSON.stringify(project).match(/"(\/media\/[^"]+\.png)"/)![1];
      const image = new Uint8Array(await (await fetch(`${base}${imageUrl}`)).arrayBuffer());
      assert.deepEqual([...image.slice(1, 4)], [0x50, 0x4e, 0x47], "the draft image is a PNG");

      const page = await fetch(`${base}/projects/${id}`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.equal(html.match(/class="scene-card"/g)?.length, 3);
      const script = html.match(/<script type="module" src="(\/static\/build\/islands-[0-9a-f]+\/entry\.js)"/)?.[1];
      assert.ok(script, "the storyboard loads the islands bundle");
      const bundleDir = script.slice(0, -"entry.js".length);
      // Every file of the bundle is embedded and served: the entry, the chunks the page preloads,
      // and the chunks they import statically or dynamically (the idle islands'), gzipped too.
      const seen = new Set<string>();
      const queue = [script, ...[...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1])];
      let served = 0;
      while (queue.length > 0) {
        const url = queue.shift()!;
        if (seen.has(url)) continue;
        seen.add(url);
        const res = await fetch(`${base}${url}`, { headers: { "accept-encoding": "gzip" } });
        assert.equal(res.status, 200, url);
        assert.match(res.headers.get("content-type") ?? "", /javascript/, url);
        assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable", url);
        const code = await res.text();
        served += code.length;
        for (const m of code.matchAll(/["'](\.\/[^"']+\.js)["']/g)) queue.push(bundleDir + m[1].slice(2));
      }
      assert.ok(seen.size > 3, `the islands bundle is in chunks: ${[...seen].join(", ")}`);
      assert.ok(served > 30_000, `the islands bundle is served whole (${served} bytes in ${seen.size} files)`);
      const styles = await fetch(`${base}/static/styles.css`);
      assert.equal(styles.status, 200);
      await styles.body?.cancel();

      const status = await studio.stop();
      assert.equal(status.code, 0, studio.output());
    } finally {
      await studio.stop().catch(() => {});
    }
    // A second start of the same file and folder: the figure a restart costs.
    const restartedAt = performance.now();
    const again = spawn(
      Deno.execPath(),
      ["run", "-A", "studio.js"],
      folder,
      baseEnv({
        DATABASE_URL: db.url,
        PORT: String(freePort()),
        FFMPEG_PATH: ffmpegPath(),
        AUDIO_PROVIDER: "simulated",
      }),
    );
    try {
      await again.ready();
      console.log(
        `dist figures | second start to ready ${
          Math.round(performance.now() - restartedAt)
        } ms, of which the app's own start ${appStartMs(again.output())} ms`,
      );
      assert.equal((await again.stop()).code, 0, again.output());
    } finally {
      await again.stop().catch(() => {});
    }
    // Nothing but the file and the data folder it made: no checkout was needed or written.
    const entries = [...Deno.readDirSync(folder)].map((e) => e.name).sort();
    assert.deepEqual(entries, ["data", "studio.js"]);
  } finally {
    await db.drop();
    await Deno.remove(folder, { recursive: true }).catch(() => {});
  }
});

Deno.test("dist/studio.js without DATABASE_URL, npm or node_modules stops with one line saying what to set", async () => {
  const dist = await build();
  const folder = await Deno.makeTempDir({ prefix: "studio-dist-nonpm-" });
  try {
    await Deno.copyFile(dist.path, join(folder, "studio.js"));
    const studio = spawn(
      Deno.execPath(),
      ["run", "-A", "studio.js"],
      folder,
      // No PATH: neither npm nor ffmpeg can be found.
      { HOME: folder, NO_COLOR: "1", PORT: String(freePort()), AUDIO_PROVIDER: "simulated" },
    );
    const status = await studio.exited();
    assert.equal(status.code, 1, studio.output());
    assert.match(
      studio.output(),
      /The embedded Postgres server is not available and npm is not installed: set DATABASE_URL to a Postgres server of your own/,
    );
    assert.match(
      studio.output(),
      /ffmpeg is not available and npm is not installed: set FFMPEG_PATH or put ffmpeg on PATH/,
    );
  } finally {
    await Deno.remove(folder, { recursive: true }).catch(() => {});
  }
});

Deno.test("NOTICES.md lists every npm package inside dist/studio.js and the islands bundle, with its licence", async () => {
  await build();
  const expected = await currentNotices();
  const actual = await Deno.readTextFile(new URL("../NOTICES.md", import.meta.url));
  assert.ok(
    actual === expected,
    "NOTICES.md does not match what the build bundles: run `deno task build && deno run -A scripts/notices.ts`.",
  );
  assert.match(actual, /\| postgres +\| 3\.4\.9 +\| Unlicense/);
  assert.match(actual, /\| graphile-worker +\| 0\.18\.0 +\| MIT/);
});

/** Where `deno compile` can get its runtime without downloading: DENORT_BIN or Deno's cache. */
function denortSource(): { found?: string; reason?: string } {
  const bin = Deno.env.get("DENORT_BIN");
  if (bin) {
    try {
      if (Deno.statSync(bin).isFile) return { found: bin };
    } catch {
      // Fall through to the reason.
    }
    return { reason: `DENORT_BIN is set to ${bin}, which is not a file.` };
  }
  const denoDir = Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "/root", ".cache", "deno");
  const cached = join(denoDir, "dl", "release", `v${Deno.version.deno}`, `denort-${Deno.build.target}.zip`);
  try {
    if (Deno.statSync(cached).isFile) return { found: cached };
  } catch {
    // Not cached.
  }
  return {
    reason: `deno compile needs Deno's denort runtime: DENORT_BIN is not set and ${cached} is not cached; ` +
      "deno compile would download it from Deno's servers. Set DENORT_BIN to a denort binary to run this test.",
  };
}

const denort = denortSource();
if (!denort.found) console.warn(`deno task compile test skipped: ${denort.reason}`);

Deno.test({
  name: `deno task compile makes a scene-studio executable that runs alone${
    denort.found ? "" : ` (skipped: ${denort.reason})`
  }`,
  ignore: !denort.found,
  async fn() {
    await build();
    const executable = await compileDist(() => {});
    const folder = await Deno.makeTempDir({ prefix: "studio-compiled-" });
    const db = await emptyDatabase();
    try {
      await Deno.copyFile(executable, join(folder, "scene-studio"));
      await Deno.chmod(join(folder, "scene-studio"), 0o755);
      const port = freePort();
      const studio = spawn(
        join(folder, "scene-studio"),
        [],
        folder,
        baseEnv({ DATABASE_URL: db.url, PORT: String(port), FFMPEG_PATH: ffmpegPath(), AUDIO_PROVIDER: "simulated" }),
      );
      try {
        await studio.ready();
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        assert.equal(ready.status, 200, await ready.clone().text());
        await ready.body?.cancel();
        assert.equal((await studio.stop()).code, 0, studio.output());
      } finally {
        await studio.stop().catch(() => {});
      }
    } finally {
      await db.drop();
      await Deno.remove(folder, { recursive: true }).catch(() => {});
    }
  },
});
