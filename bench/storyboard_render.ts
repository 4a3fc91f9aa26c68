/**
 * Storyboard page cost: server render time of a 500-sentence storyboard (the whole GET, database
 * reads included, and the render alone), the HTML size, and the JavaScript the page ships, gzipped
 * (each file gzipped alone, as served): `storyboard_js_gzip_kb` is what it loads at start (its module
 * script and every file the page preloads for it), `storyboard_js_all_gzip_kb` every file of the
 * islands build (the idle islands' chunks load after the page is interactive);
 * then a big project (20,000 scenes in 800 sections) served over real HTTP: the time to the first
 * byte and to the last, the HTML size, the longest event-loop stall while it renders (a 5 ms
 * setInterval probe in the server's process) and how long /healthz waits meanwhile.
 *
 *   deno run -A bench/storyboard_render.ts [--sentences 500] [--runs 15] [--big 20000]
 *
 * Prints `BENCH <name> <value> <unit>` lines (and the JSON report). `--big 0` skips the big project.
 *
 * Uses a throwaway database (embedded Postgres unless DATABASE_URL is set). Half the scenes have
 * their image and video done, a few failed, one run in the history: a realistic mid-project page.
 */
import { gzipSync } from "node:zlib";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { createProject } from "../core/domain/projects.ts";
import { buildIslands } from "../islands_runtime/build.ts";
import { loadStoryboard, StoryboardPage } from "../routes/pages/storyboard.tsx";
import { renderPage } from "../islands_runtime/server.tsx";
import { freshDatabase } from "../tests/helpers/db.ts";

const arg = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
};
const SENTENCES = arg("sentences", 500);
const RUNS = arg("runs", 15);
const BIG = arg("big", 20_000);

const build = await buildIslands();
const db = await freshDatabase("bench_storyboard");
try {
  const script = Array.from(
    { length: SENTENCES },
    (_, i) =>
      `${i % 25 === 0 ? `# Part ${i / 25 + 1}\n` : ""}Sentence ${i + 1} tells how the keeper climbs the tower again.`,
  ).join(" ");
  const { id } = await createProject(db.sql, { title: "Render benchmark", script });
  const [run] = await db.sql<{ id: number }[]>`
    insert into scene_runs (project_id, status, finished_at) values (${id}, 'completed', now()) returning id`;
  // Every other scene done (a take per part), one in fifty with a failed image.
  await db.sql`
    update sentences set video_prompt = 'Slow push-in. The keeper climbs the tower. Motion: the figure moving steadily.'
    where project_id = ${id} and id % 2 = 0`;
  await db.sql`
    with made as (
      insert into takes (sentence_id, kind, path, prompt, aspect_ratio, clip_seconds)
      select s.id, k.kind, 'projects/' || s.project_id || '/' || s.id || '-' || k.kind || k.ext,
        case k.kind when 'image' then s.image_prompt else s.video_prompt end, '16:9', 5
      from sentences s cross join (values ('image', '.png'), ('video', '.mp4')) as k(kind, ext)
      where s.project_id = ${id} and s.id % 2 = 0
      returning id, sentence_id, kind
    )
    update scene_parts p set status = 'done', take_id = made.id, run_id = ${run.id}
    from made where p.sentence_id = made.sentence_id and p.kind = made.kind`;
  await db.sql`
    update scene_parts set status = 'failed', error = 'The simulated provider was asked to fail.', run_id = ${run.id}
    where kind = 'image' and sentence_id in (select id from sentences where project_id = ${id} and id % 50 = 1)`;

  const config = loadConfig({
    STUDIO_DATA_DIR: "/nonexistent",
    IMAGE_PROVIDER: "simulated",
    VIDEO_PROVIDER: "simulated",
  });
  const app = createApp({ sql: db.sql, config });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  // Warm up (JIT, connections).
  for (let i = 0; i < 3; i++) await (await app.request(`/projects/${id}`)).text();

  const whole: number[] = [];
  let html = "";
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const res = await app.request(`/projects/${id}`);
    html = await res.text();
    whole.push(performance.now() - t);
  }
  const data = await loadStoryboard({ sql: db.sql, config }, id);
  const renderOnly: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    renderPage(StoryboardPage(data));
    renderOnly.push(performance.now() - t);
  }
  const islandsJson = /<script type="application\/json" id="__scene_islands">(.*?)<\/script>/s.exec(html)?.[1] ?? "";
  // The JavaScript the page loads at start: its module script and every file it preloads (the boot
  // script imports exactly these before the page's islands are hydrated; idle islands' chunks and
  // other dynamic imports come later and count only in the total).
  const loaded = [
    ...[...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]),
    ...[...html.matchAll(/<script type="module" src="([^"]+)">/g)].map((m) => m[1]),
  ].map((url) => url.slice(`${build.baseUrl}/`.length));
  const unknown = loaded.filter((file) => !build.files[file]);
  if (!build.baseUrl || loaded.length === 0 || unknown.length > 0) {
    throw new Error(`The storyboard page loads scripts the islands build does not have: ${unknown.join(", ")}.`);
  }
  const startGzip = loaded.reduce((sum, file) => sum + build.files[file].gzipBytes, 0);
  const startBytes = loaded.reduce((sum, file) => sum + build.files[file].bytes, 0);
  const report = {
    sentences: SENTENCES,
    runs: RUNS,
    getMedianMs: Number(median(whole).toFixed(1)),
    getMinMs: Number(Math.min(...whole).toFixed(1)),
    renderOnlyMedianMs: Number(median(renderOnly).toFixed(1)),
    htmlBytes: html.length,
    htmlGzipBytes: gzipSync(html).byteLength,
    islandPropsBytes: islandsJson.length,
    islands: (html.match(/<scene-island /g) ?? []).length,
    jsStartFiles: loaded.length,
    jsStartBytes: startBytes,
    jsStartGzipBytes: startGzip,
    jsAllFiles: Object.keys(build.files).length,
    jsAllBytes: build.bytes,
    jsAllGzipBytes: build.gzipBytes,
  };
  console.log(JSON.stringify(report, null, 2));
  // Figures for bench/run.ts (bench/bench_lines.ts; targets in bench/targets.ts).
  const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${value} ${unit}`);
  bench("storyboard_sentences", SENTENCES, "sentences");
  bench("storyboard_get_ms", report.getMedianMs, "ms");
  bench("storyboard_render_ms", report.renderOnlyMedianMs, "ms");
  bench(`storyboard_${SENTENCES}_html`, report.htmlBytes, "bytes");
  bench("storyboard_js_gzip_kb", Number((report.jsStartGzipBytes / 1024).toFixed(1)), "KB");
  bench("storyboard_js_all_gzip_kb", Number((report.jsAllGzipBytes / 1024).toFixed(1)), "KB");
  if (BIG > 0) await bigProject(config);
} finally {
  await db.drop();
}
Deno.exit(0);

/** The big project over real HTTP: first byte, whole page, stalls and /healthz while it renders. */
async function bigProject(config: ReturnType<typeof loadConfig>) {
  const script = Array.from(
    { length: BIG },
    (_, i) => `${i % 25 === 0 ? `# Part ${i / 25 + 1}\n` : ""}Sentence ${i + 1} tells how the keeper climbs again.`,
  ).join("\n");
  const { id } = await createProject(db.sql, { title: "Big benchmark", script });
  await db.sql`
    update scene_parts set status = 'failed', error = 'The simulated provider was asked to fail.'
    where kind = 'image' and sentence_id in (select id from sentences where project_id = ${id} and id % 97 = 1)`;
  // A database in use has its statistics; a fresh one gets them from autovacuum within a minute.
  await db.sql`analyze`;
  const app = createApp({ sql: db.sql, config });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const bench = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${value} ${unit}`);
  try {
    await (await fetch(`${base}/projects/${id}`)).text(); // warm up
    const firsts: number[] = [];
    const totals: number[] = [];
    const stalls: number[] = [];
    const healthz: number[] = [];
    let bytes = 0;
    for (let run = 0; run < 5; run++) {
      // The probe: a 5 ms timer that notes how late it fires.
      let last = performance.now();
      let worst = 0;
      const probe = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last - 5);
        last = now;
      }, 5);
      const health: Promise<number>[] = [];
      const t0 = performance.now();
      let done = false;
      const pinger = (async () => {
        while (!done) {
          const t = performance.now();
          health.push(fetch(`${base}/healthz`).then((r) => r.text()).then(() => performance.now() - t));
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      const res = await fetch(`${base}/projects/${id}`);
      const reader = res.body!.getReader();
      let first = 0;
      bytes = 0;
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        if (!first) first = performance.now() - t0;
        bytes += value.byteLength;
      }
      totals.push(performance.now() - t0);
      firsts.push(first);
      done = true;
      await pinger;
      healthz.push(Math.max(...await Promise.all(health)));
      clearInterval(probe);
      stalls.push(worst);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const r1 = (x: number) => Math.round(x * 10) / 10;
    bench("storyboard_first_byte_ms", r1(median(firsts)), "ms");
    bench(`storyboard_${BIG}_whole_page_median`, r1(median(totals)), "ms");
    bench(`storyboard_${BIG}_html`, bytes, "bytes");
    bench("storyboard_stall_ms", r1(Math.max(...stalls)), "ms");
    bench(`storyboard_${BIG}_healthz_max_during_render`, r1(Math.max(...healthz)), "ms");
    // A chunk of cards loaded on demand, and a search over every scene.
    const chunkT: number[] = [];
    const [s] = await db.sql<{ id: number }[]>`
      select id from sentences where project_id = ${id} order by id desc limit 1`;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await (await fetch(`${base}/projects/${id}/cards?sentence=${s.id}`)).text();
      chunkT.push(performance.now() - t);
    }
    bench(`storyboard_${BIG}_chunk_fetch_median`, r1(median(chunkT)), "ms");
    const searchT: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await (await fetch(`${base}/api/v1/projects/${id}/search?q=climbs%20again`)).text();
      searchT.push(performance.now() - t);
    }
    bench(`storyboard_${BIG}_search_median`, r1(median(searchT)), "ms");
  } finally {
    await server.shutdown();
  }
}
