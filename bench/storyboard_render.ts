/**
 * Storyboard page cost: server render time of a 500-sentence storyboard (the whole GET, database
 * reads included, and the render alone), the HTML size, and the JavaScript the page ships (gzipped).
 *
 *   deno run -A bench/storyboard_render.ts [--sentences 500] [--runs 15]
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
    jsBytes: build.bytes,
    jsGzipBytes: build.gzipBytes,
  };
  console.log(JSON.stringify(report, null, 2));
  // Figures for bench/run.ts (bench/bench_lines.ts).
  console.log(`BENCH storyboard_sentences ${SENTENCES} sentences`);
  console.log(`BENCH storyboard_get_ms ${report.getMedianMs} ms`);
  console.log(`BENCH storyboard_render_ms ${report.renderOnlyMedianMs} ms`);
  console.log(`BENCH storyboard_js_gzip_kb ${(report.jsGzipBytes / 1024).toFixed(1)} KB`);
} finally {
  await db.drop();
}
Deno.exit(0);
