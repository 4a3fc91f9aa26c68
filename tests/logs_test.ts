/**
 * Structured logs (core/system/log.ts): the real app started with LOG_FORMAT=json runs a small
 * generation; every line it writes to stdout is one JSON object with level, time and msg, and the
 * lines about jobs carry the ids of their project, run, scene and job.
 */
import assert from "node:assert/strict";
import { freshDatabase } from "./helpers/db.ts";
import { fromFileUrl } from "./helpers/paths.ts";
import { TEST_ENV, waitFor, waitForRunEnd } from "./helpers/worker.ts";

const MAIN = fromFileUrl(new URL("../main.ts", import.meta.url));

Deno.test("LOG_FORMAT=json: every stdout line is a JSON object; job lines carry project, run, scene and job ids", async () => {
  const db = await freshDatabase("logs_json");
  const dataDir = await Deno.makeTempDir({ prefix: "studio-logs-" });
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-prompt", MAIN, "serve"],
    env: {
      ...Deno.env.toObject(),
      ...TEST_ENV,
      DATABASE_URL: db.url,
      STUDIO_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_FORMAT: "json",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const pumps = Promise.all([
    (async () => {
      for await (const chunk of child.stdout) stdout += decoder.decode(chunk, { stream: true });
    })(),
    (async () => {
      for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
    })(),
  ]);
  try {
    await waitFor("the app to be ready", () => stdout.includes("Scene Studio is ready"), 60_000);
    const base = `http://127.0.0.1:${port}/api/v1/projects`;
    const post = async (url: string, body: unknown) => {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const created = await post(base, { title: "Logged", script: "One scene. Another scene." });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const started = await post(`${base}/${id}/generate-scenes`, {});
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(await waitForRunEnd(db.sql, id, 60_000), "completed");
    // The last job line is written just after its transaction commits.
    await waitFor("four job lines", () => (stdout.match(/ is done\./g) ?? []).length >= 4, 10_000);
  } finally {
    child.kill("SIGINT");
    await child.status;
    await pumps;
  }
  const lines = stdout.split("\n").filter((line) => line !== "");
  assert.ok(lines.length > 5, stdout);
  const records = lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`A stdout line is not JSON: ${line}`);
    }
  });
  for (const r of records) {
    assert.ok(["debug", "info", "warn", "error"].includes(r.level), JSON.stringify(r));
    assert.ok(!Number.isNaN(Date.parse(r.time)), JSON.stringify(r));
    assert.equal(typeof r.msg, "string");
  }
  for (const line of stderr.split("\n").filter((l) => l !== "")) JSON.parse(line);
  assert.ok(records.some((r) => /Scene Studio is ready/.test(r.msg)));
  const jobs = records.filter((r) => / is done\.$/.test(r.msg));
  const [project] = await db.sql<{ id: number }[]>`select id from projects where title = 'Logged'`;
  const sentenceIds = (await db.sql<{ id: number }[]>`select id from sentences where project_id = ${project.id}`)
    .map((r) => r.id);
  const [run] = await db.sql<{ id: number }[]>`select id from scene_runs where project_id = ${project.id}`;
  assert.deepEqual(
    jobs.map((r) => `${r.part}:${r.sentenceId}`).sort(),
    sentenceIds.flatMap((s) => [`image:${s}`, `video:${s}`]).sort(),
  );
  for (const r of jobs) {
    assert.equal(r.projectId, project.id);
    assert.equal(r.runId, run.id);
    assert.ok(Number(r.jobId) > 0, JSON.stringify(r));
    assert.match(r.task, /^generate_(image|video)$/);
  }
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  await db.drop();
});
