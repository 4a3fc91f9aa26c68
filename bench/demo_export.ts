/**
 * The demo project ("The Lighthouse Keeper", 24 scenes) from script to narrated MP4 on this
 * machine, with the offline defaults (flite voice, draft pictures), through the app's own engine:
 * "Generate narration", then "Generate All Scenes" (clips as long as their narration), then "Export
 * video" with burned-in captions. Prints the time of each step; the export time is the render alone
 * (the `render_export` job), as the exports table records it.
 *
 * Run: `deno run -A bench/demo_export.ts` (a few minutes on two cores; not part of the test run).
 * Uses a throwaway database (embedded Postgres unless DATABASE_URL is set) and media folder.
 */
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { DEMO_SCRIPT, DEMO_TITLE } from "../core/domain/demo.ts";
import { freshDatabase } from "../tests/helpers/db.ts";
import { startTestWorker, waitFor, waitForRunEnd } from "../tests/helpers/worker.ts";

const db = await freshDatabase("bench_demo_export");
const dataDir = await Deno.makeTempDir({ prefix: "studio-demo-export-" });
const config = loadConfig({ DATABASE_URL: db.url, STUDIO_DATA_DIR: dataDir, WORKER_POLL_MS: "200" });
const worker = await startTestWorker(db, config);
const app = createApp({ sql: db.sql, config });
const post = async (path: string, body?: unknown) => {
  const res = await app.request(path, {
    method: "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return await res.json();
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
try {
  const { id } = await post("/api/v1/projects", { title: DEMO_TITLE, script: DEMO_SCRIPT });
  let started = performance.now();
  await post(`/api/v1/projects/${id}/generate-audio`);
  await waitForRunEnd(db.sql, id, 600_000);
  const [{ ms: spoken }] = await db.sql`
    select sum(t.duration_ms)::int as ms from takes t join sentences s on s.id = t.sentence_id
    where s.project_id = ${id} and t.kind = 'audio'`;
  console.log(
    `narration (flite, 24 sentences): ${seconds(performance.now() - started)} for ${seconds(spoken)} of speech`,
  );

  started = performance.now();
  await post(`/api/v1/projects/${id}/generate-scenes`);
  await waitForRunEnd(db.sql, id, 900_000);
  console.log(`Generate All Scenes (draft images and narration-long clips): ${seconds(performance.now() - started)}`);

  started = performance.now();
  const { export: requested } = await post(`/api/v1/projects/${id}/exports`, { captions: { burnIn: true } });
  const done = await waitFor(
    "the export",
    async () => {
      const [row] = await db.sql`select status, elapsed_ms, duration_ms, error from exports where id = ${requested.id}`;
      return row.status === "queued" || row.status === "running" ? undefined : row;
    },
    900_000,
    200,
  );
  if (done.status !== "done") throw new Error(`The export ended ${done.status}: ${done.error}`);
  console.log(
    `export (24 scenes, 1280×720, 24 fps, burned-in captions): render ${seconds(done.elapsed_ms)}, ` +
      `request to download ${seconds(performance.now() - started)}, video ${seconds(done.duration_ms)}`,
  );
} finally {
  await worker.stop();
  await db.drop();
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
Deno.exit(0);
