// A big storyboard in pieces: the page renders its first chunks of cards and placeholders for the
// rest, a chunk loads by keyset (section, position) or by scene, the toolbar's counts and the
// failure details cover every scene (from the packed scene index, not the rendered cards), and the
// scene search finds any scene — with the API's protections (access, methods, bad input).
import assert from "node:assert/strict";
import { createProject } from "../core/domain/projects.ts";
import { decodeParts, unpackIds } from "../core/domain/scene_codes.ts";
import { CHUNK_SCENES } from "../core/domain/storyboard_outline.ts";
import { INITIAL_SCENES } from "../routes/pages/storyboard.tsx";
import { testApp } from "./helpers/app.ts";
import { setPart } from "./helpers/parts.ts";

const SECTIONS = 6;
const PER_SECTION = 40; // more than a chunk: sections have two chunks

function islandProps(html: string): unknown[] {
  const json = /<script type="application\/json" id="__scene_islands">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json, "the page has island props");
  return JSON.parse(json);
}

const cardIds = (html: string) =>
  [...html.matchAll(/<article class="scene-card" id="sentence-(\d+)"/g)].map((m) => Number(m[1]));

Deno.test("storyboard in chunks", async (t) => {
  const h = await testApp("storyboard_chunks");
  try {
    const script = Array.from({ length: SECTIONS }, (_, s) =>
      `# Part ${s + 1}\n` +
      Array.from({ length: PER_SECTION }, (_, i) => `Keeper line ${s * PER_SECTION + i + 1} of the tower.`).join(" "))
      .join("\n");
    const { id } = await createProject(h.db.sql, { title: "Chunks", script });
    const rows = await h.db.sql<{ id: number; section_id: number; position: number }[]>`
      select s.id, s.section_id, s.position from sentences s join sections sec on sec.id = s.section_id
      where s.project_id = ${id} order by sec.position, s.position`;
    const ids = rows.map((r) => r.id);
    const last = rows[rows.length - 1];
    // A failure far outside the rendered window.
    await setPart(h.db.sql, last.id, "image", { status: "failed", error: "The GPU ran out of memory." });
    const page = async (query = "") => {
      const res = await h.app.request(`/projects/${id}${query}`);
      assert.equal(res.status, 200);
      return await res.text();
    };

    await t.step("the page renders whole chunks up to the window, placeholders for the rest", async () => {
      const html = await page();
      const rendered = cardIds(html);
      assert.ok(rendered.length >= INITIAL_SCENES && rendered.length < INITIAL_SCENES + CHUNK_SCENES);
      assert.deepEqual(rendered, ids.slice(0, rendered.length), "the first scenes, in order");
      assert.match(html, /<span class="scene-number">Scene 1<\/span>/);
      // Placeholders link to the cards without JavaScript and name their chunk.
      const placeholders = [...html.matchAll(/data-chunk-src="([^"]+)"/g)].map((m) => m[1].replaceAll("&amp;", "&"));
      assert.ok(placeholders.length > 0);
      for (const src of placeholders) assert.match(src, new RegExp(`^/projects/${id}/cards\\?section=\\d+&from=\\d+$`));
      assert.match(html, /Show section \(40 scenes\)/);
      assert.match(html, /240 scenes in 6 sections/);
    });

    await t.step("the toolbar counts and the failure details cover every scene", async () => {
      const html = await page();
      assert.match(html, /1 failed — details/);
      assert.match(html, /data-testid="generate"[^>]*>Generate All Scenes</);
      assert.match(html, /240 scenes have no narration audio yet/);
      const toolbar = islandProps(html)[0] as Record<string, unknown>;
      const index = toolbar.index as { ids: string; parts: string; notes: string; failures: unknown[] };
      assert.deepEqual(unpackIds(index.ids), ids);
      assert.equal(index.parts.length, ids.length);
      assert.equal(decodeParts(index.parts[ids.length - 1]).image, "failed");
      assert.equal(decodeParts(index.parts[0]).image, "other");
      assert.deepEqual(index.failures, [{
        id: last.id,
        part: "image",
        error: "The GPU ran out of memory.",
        text: `Keeper line ${SECTIONS * PER_SECTION} of the tower.`,
      }]);
      assert.ok(index.ids.length < 40, `ids are packed as runs (${index.ids})`);
    });

    await t.step("a chunk loads by keyset; a section's first chunk brings its section", async () => {
      const second = rows.filter((r) => r.section_id === last.section_id);
      const first = await h.app.request(`/projects/${id}/cards?section=${last.section_id}&from=${second[0].position}`);
      assert.equal(first.status, 200);
      const html = await first.text();
      assert.match(html, /<section class="storyboard-section"/);
      assert.match(html, /Edit section/);
      assert.deepEqual(cardIds(html), second.slice(0, CHUNK_SCENES).map((r) => r.id));
      assert.match(html, new RegExp(`<span class="scene-number">Scene ${(SECTIONS - 1) * PER_SECTION + 1}</span>`));
      assert.match(html, /<script type="application\/json" data-island-props>/);
      // The rest of the section is a placeholder inside it.
      assert.match(html, new RegExp(`data-chunk="${last.section_id}:${second[CHUNK_SCENES].position}"`));
      const rest = await h.app.request(
        `/projects/${id}/cards?section=${last.section_id}&from=${second[CHUNK_SCENES].position}`,
      );
      const restHtml = await rest.text();
      assert.doesNotMatch(restHtml, /<section/);
      assert.deepEqual(cardIds(restHtml), second.slice(CHUNK_SCENES).map((r) => r.id));
      assert.match(restHtml, new RegExp(`<span class="scene-number">Scene ${SECTIONS * PER_SECTION}</span>`));
    });

    await t.step("a scene's chunk, by id (search, failure details, #sentence- links)", async () => {
      const res = await h.app.request(`/projects/${id}/cards?sentence=${last.id}`);
      assert.equal(res.status, 200);
      assert.equal(
        res.headers.get("x-chunk"),
        `${last.section_id}:${rows[rows.length - PER_SECTION + CHUNK_SCENES].position}`,
      );
      assert.ok(cardIds(await res.text()).includes(last.id));
      // The page itself can start there (no JavaScript: a search result's link).
      assert.ok(cardIds(await page(`?sentence=${last.id}`)).includes(last.id));
      assert.ok(cardIds(await page(`?section=${last.section_id}`)).includes(rows[rows.length - PER_SECTION].id));
      assert.ok(cardIds(await page(`?find=${encodeURIComponent("line 240 of")}`)).includes(last.id));
    });

    await t.step("bad chunk addresses: 400 or 404 naming the problem", async () => {
      for (
        const [query, status, message] of [
          ["", 400, /Say which cards to show/],
          [`?section=${last.section_id}`, 400, /where the cards start/],
          ["?section=abc&from=0", 400, /section in the address must be a whole number/],
          [`?section=${last.section_id}&from=99999`, 404, /no chunk of scenes starting at position 99999/],
          ["?section=999999&from=0", 404, /no section with id 999999/],
          ["?sentence=999999", 404, /no scene with id 999999/],
        ] as const
      ) {
        const res = await h.app.request(`/projects/${id}/cards${query}`);
        assert.equal(res.status, status, query);
        assert.match(await res.text(), message, query);
      }
      // Another project's scene is not this project's.
      const other = await createProject(h.db.sql, { title: "Other", script: "Only line." });
      const res = await h.app.request(`/projects/${other.id}/cards?sentence=${last.id}`);
      assert.equal(res.status, 404);
      assert.equal((await h.app.request(`/projects/${id}?section=x`)).status, 400);
    });

    await t.step("search: scenes in order with their numbers, literal words, limits", async () => {
      const found = await h.json("GET", `/api/v1/projects/${id}/search?q=${encodeURIComponent("LINE 24")}`);
      assert.equal(found.status, 200);
      assert.deepEqual(found.body.results.map((r: { number: number }) => r.number), [24, 240]);
      assert.equal(found.body.results[1].sentenceId, last.id);
      assert.equal(found.body.results[1].sectionId, last.section_id);
      assert.equal(found.body.more, false);
      const many = await h.json("GET", `/api/v1/projects/${id}/search?q=keeper&limit=5`);
      assert.equal(many.body.results.length, 5);
      assert.equal(many.body.more, true);
      // Wildcards and quotes are plain characters.
      for (const q of ["%", "_", "' or 1=1 --", "\\", "line%24"]) {
        const res = await h.json("GET", `/api/v1/projects/${id}/search?q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, q);
        assert.deepEqual(res.body.results, [], q);
      }
    });

    await t.step("search: bad input is a 4xx JSON error naming it", async () => {
      for (
        const [query, status, message] of [
          ["", 400, /Type some words/],
          ["?q=%20%20", 400, /Type some words/],
          [`?q=${"a".repeat(201)}`, 400, /at most 200 characters/],
          ["?q=x&limit=0", 400, /limit must be a whole number from 1 to 50/],
          ["?q=x&limit=51", 400, /limit must be a whole number from 1 to 50/],
          ["?q=x&limit=-1", 400, /limit must be a whole number/],
          ["?q=x&limit=1e3", 400, /limit must be a whole number/],
        ] as const
      ) {
        const res = await h.json("GET", `/api/v1/projects/${id}/search${query}`);
        assert.equal(res.status, status, query);
        assert.match(res.body.error, message, query);
      }
      assert.equal((await h.json("GET", "/api/v1/projects/999999/search?q=x")).status, 404);
      const post = await h.json("POST", `/api/v1/projects/${id}/search?q=x`, {});
      assert.equal(post.status, 405);
      assert.match(post.body.error, /use GET, HEAD/);
    });
  } finally {
    await h.close();
  }
});

Deno.test("storyboard chunks and search need the access token when one is set", async () => {
  const h = await testApp("storyboard_chunks_access", { STUDIO_TOKEN: "a-token-of-sixteen-chars-or-more" });
  try {
    const { id } = await createProject(h.db.sql, { title: "Closed", script: "One line. Two lines." });
    const search = await h.app.request(`/api/v1/projects/${id}/search?q=line`);
    assert.equal(search.status, 401);
    assert.match((await search.json()).error, /token|log in|sign in/i);
    const cards = await h.app.request(`/projects/${id}/cards?section=1&from=0`, { redirect: "manual" });
    assert.ok([302, 303, 401].includes(cards.status), `cards without a session: ${cards.status}`);
    await cards.body?.cancel();
  } finally {
    await h.close();
  }
});
