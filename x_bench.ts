import { buildIslands } from "./islands_runtime/build.ts";
import { createProject } from "./core/domain/projects.ts";
import { loadStoryboard, StoryboardPage } from "./routes/pages/storyboard.tsx";
import { renderPage } from "./islands_runtime/server.tsx";
import { freshDatabase } from "./tests/helpers/db.ts";
const build = await buildIslands();
const db = await freshDatabase("xbench");
try {
  const script = Array.from({ length: 500 }, (_, i) => `Sentence ${i + 1} tells how the keeper climbs the tower again.`)
    .join(" ");
  const { id } = await createProject(db.sql, { title: "R", script });
  const data = await loadStoryboard({ sql: db.sql }, id);
  const time = (label: string, f: () => void) => {
    for (let i = 0; i < 5; i++) f();
    const xs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      f();
      xs.push(performance.now() - t);
    }
    xs.sort((a, b) => a - b);
    console.log(label.padEnd(30), xs[7].toFixed(1), "ms");
  };
  time("with islands", () => renderPage(StoryboardPage(data)));
  time("no build (plain)", () => renderPage(StoryboardPage(data), { build: null }));
  time("with islands again", () => renderPage(StoryboardPage(data), { build }));
} finally {
  await db.drop();
}
Deno.exit(0);
