import assert from "node:assert/strict";
import { DEMO_SCRIPT, ensureDemoProject } from "../core/domain/demo.ts";
import { splitScript } from "../core/domain/script_import.ts";
import { LIMITS } from "../core/domain/limits.ts";
import { testApp } from "./helpers/app.ts";
import { postForm } from "./helpers/forms.ts";

Deno.test("pages", async (t) => {
  const h = await testApp("pages");
  try {
    const demoId = await ensureDemoProject(h.db.sql);
    assert.ok(demoId);
    assert.equal(await ensureDemoProject(h.db.sql), null, "the demo is created once");

    await t.step("home lists projects and has the create form", async () => {
      const res = await h.app.request("/");
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /The Lighthouse Keeper \(demo\)/);
      assert.match(html, /<form method="post" action="\/projects"/);
      assert.match(html, new RegExp(`name="title" required maxlength="${LIMITS.titleChars}"`));
      assert.match(html, new RegExp(`name="script" required rows="12" maxlength="${LIMITS.scriptChars}"`));
      assert.doesNotMatch(html, /<script/, "a page without islands ships no JavaScript");
    });

    await t.step("the storyboard shows every sentence of the demo, in sections", async () => {
      const res = await h.app.request(`/projects/${demoId}`);
      assert.equal(res.status, 200);
      const html = await res.text();
      const sections = splitScript(DEMO_SCRIPT);
      const sentences = sections.flatMap((s) => s.sentences);
      assert.equal(sentences.length, 24);
      const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
      for (const s of sentences) assert.ok(html.includes(escape(s)) || html.includes(s), s);
      for (const s of sections) assert.ok(html.includes(s.title!), s.title!);
      assert.equal(html.match(/class="scene-card"/g)?.length, 24);
      assert.equal(html.match(/data-part="image" data-status="idle"/g)?.length, 24);
    });

    await t.step("creating from the form redirects to the storyboard; user text is escaped", async () => {
      const res = await postForm(h.app, "/projects", {
        title: "<script>alert(1)</script>",
        script: 'A <b>bold</b> claim. Then "quotes" & more.',
        aspectRatio: "9:16",
      });
      assert.equal(res.status, 303);
      const location = res.headers.get("location")!;
      assert.match(location, /^\/projects\/\d+$/);
      const html = await (await h.app.request(location)).text();
      assert.ok(!html.includes("<script>alert(1)</script>"));
      assert.ok(html.includes("&lt;script>alert(1)&lt;/script>") || html.includes("&lt;script&gt;"));
      assert.ok(html.includes("A &lt;b>bold&lt;/b> claim.") || html.includes("A &lt;b&gt;bold"));
      assert.match(html, /aspect-9x16/);
    });

    await t.step("a bad form re-renders with a readable error and keeps the input", async () => {
      const before = (await h.db.sql`select count(*)::int as n from projects`)[0].n;
      const res = await postForm(h.app, "/projects", { title: "Kept title", script: "   " });
      assert.equal(res.status, 400);
      const html = await res.text();
      assert.match(html, /role="alert"/);
      assert.match(html, /script must not be empty/);
      assert.match(html, /value="Kept title"/);
      assert.equal((await h.db.sql`select count(*)::int as n from projects`)[0].n, before);
    });

    await t.step("editing prompts with the form saves and returns to the card", async () => {
      const [s] = await h.db.sql`select id from sentences where project_id = ${demoId} order by id limit 1`;
      const res = await postForm(h.app, `/sentences/${s.id}/prompts`, {
        imagePrompt: "A lighthouse at dusk",
        videoPrompt: "Slow pan",
      });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), `/projects/${demoId}?sentence=${s.id}#sentence-${s.id}`);
      const html = await (await h.app.request(`/projects/${demoId}`)).text();
      assert.match(html, /A lighthouse at dusk/);
      assert.match(html, /Slow pan/);
    });

    await t.step("the prompt form saves only the fields that were changed", async () => {
      const [s] = await h.db.sql`select id from sentences where project_id = ${demoId} order by id offset 1 limit 1`;
      await h.db.sql`update sentences set video_prompt = '' where id = ${s.id}`;
      const html = await (await h.app.request(`/projects/${demoId}`)).text();
      assert.match(html, /<input type="hidden" name="videoPromptBefore" value(="")?\/>/);
      // Meanwhile the engine writes the video prompt (or another tab saves one).
      await h.db.sql`update sentences set video_prompt = 'Written by the engine' where id = ${s.id}`;
      const res = await postForm(h.app, `/sentences/${s.id}/prompts`, {
        imagePrompt: "A fixed image prompt",
        imagePromptBefore: "[fail] the old one",
        videoPrompt: "",
        videoPromptBefore: "",
      });
      assert.equal(res.status, 303);
      const [row] = await h.db.sql`select image_prompt, video_prompt from sentences where id = ${s.id}`;
      assert.deepEqual([row.image_prompt, row.video_prompt], ["A fixed image prompt", "Written by the engine"]);
      // Nothing changed: nothing written, back to the card.
      const same = await postForm(h.app, `/sentences/${s.id}/prompts`, {
        imagePrompt: "x",
        imagePromptBefore: "x",
        videoPrompt: "",
        videoPromptBefore: "",
      });
      assert.equal(same.status, 303);
      assert.equal(same.headers.get("location"), `/projects/${demoId}?sentence=${s.id}#sentence-${s.id}`);
      const [after] = await h.db.sql`select image_prompt, video_prompt from sentences where id = ${s.id}`;
      assert.deepEqual([after.image_prompt, after.video_prompt], ["A fixed image prompt", "Written by the engine"]);
    });

    await t.step("unknown project → readable 404 page", async () => {
      const res = await h.app.request("/projects/424242");
      assert.equal(res.status, 404);
      assert.match(await res.text(), /There is no project with id 424242/);
    });

    await t.step("static files and media are served, traversal refused", async () => {
      const css = await h.app.request("/static/styles.css");
      assert.equal(css.status, 200);
      assert.match(css.headers.get("content-type")!, /text\/css/);
      assert.equal((await h.app.request("/static/../deno.json")).status, 404);
      assert.equal((await h.app.request("/media/..%2f..%2fetc%2fpasswd")).status, 404);
      await Deno.mkdir(`${h.dataDir}/media/projects/1`, { recursive: true });
      await Deno.writeFile(`${h.dataDir}/media/projects/1/a.mp4`, new Uint8Array(100).map((_, i) => i));
      const whole = await h.app.request("/media/projects/1/a.mp4");
      assert.equal(whole.status, 200);
      assert.equal((await whole.arrayBuffer()).byteLength, 100);
      const part = await h.app.request("/media/projects/1/a.mp4", { headers: { range: "bytes=10-19" } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get("content-range"), "bytes 10-19/100");
      assert.deepEqual([...new Uint8Array(await part.arrayBuffer())], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    });
  } finally {
    await h.close();
  }
});

Deno.test("the project list counts in words that agree: 1 scene in 1 section", async () => {
  const h = await testApp("pages_count");
  try {
    await h.json("POST", "/api/v1/projects", { title: "Tiny", script: "Just one." });
    const html = await (await h.app.request("/")).text();
    assert.match(html, /1 scene in 1 section ·/);
  } finally {
    await h.close();
  }
});
