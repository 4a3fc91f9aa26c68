import assert from "node:assert/strict";
import { testApp } from "./helpers/app.ts";

const SCRIPT = "# Intro\nHello there. Dr. Who arrives.\n\n# End\nGoodbye!";

async function counts(sql: import("../core/db/client.ts").Sql) {
  const [r] = await sql`select (select count(*)::int from projects) p, (select count(*)::int from sections) s,
    (select count(*)::int from sentences) n`;
  return r;
}

Deno.test("projects API", async (t) => {
  const h = await testApp("api_projects");
  try {
    let id = 0;
    await t.step("create → 201 with id and counts", async () => {
      const res = await h.json("POST", "/api/v1/projects", { title: "  My film ", script: SCRIPT });
      assert.equal(res.status, 201);
      assert.deepEqual(Object.keys(res.body).sort(), ["id", "sectionCount", "sentenceCount"]);
      assert.equal(res.body.sectionCount, 2);
      assert.equal(res.body.sentenceCount, 3);
      id = res.body.id;
    });

    await t.step("list", async () => {
      const res = await h.json("GET", "/api/v1/projects");
      assert.equal(res.status, 200);
      assert.equal(res.body.projects.length, 1);
      assert.equal(res.body.projects[0].title, "My film");
      assert.equal(res.body.projects[0].sentenceCount, 3);
    });

    await t.step("read with sections and sentences in order", async () => {
      const res = await h.json("GET", `/api/v1/projects/${id}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.aspectRatio, "16:9");
      assert.deepEqual(res.body.sections.map((s: { title: string }) => s.title), ["Intro", "End"]);
      const sentences = res.body.sections.flatMap((s: { sentences: unknown[] }) => s.sentences);
      assert.deepEqual(sentences.map((s: { text: string }) => s.text), [
        "Hello there.",
        "Dr. Who arrives.",
        "Goodbye!",
      ]);
      assert.deepEqual(sentences.map((s: { number: number }) => s.number), [1, 2, 3]);
      const first = sentences[0];
      assert.equal(first.imagePrompt, "Hello there.");
      assert.equal(first.videoPrompt, "");
      assert.equal(first.audio.status, "idle");
      assert.equal(first.audio.url, null);
      assert.equal(res.body.clipSeconds, 5);
      assert.equal(first.image.status, "idle");
      assert.equal(first.video.status, "idle");
      assert.equal(first.image.url, null);
      assert.equal(first.image.error, null);
    });

    await t.step("PATCH a sentence's prompts", async () => {
      const project = await h.json("GET", `/api/v1/projects/${id}`);
      const sid = project.body.sections[0].sentences[1].id;
      const res = await h.json("PATCH", `/api/v1/sentences/${sid}`, { videoPrompt: "Slow dolly in" });
      assert.equal(res.status, 200);
      assert.equal(res.body.videoPrompt, "Slow dolly in");
      assert.equal(res.body.imagePrompt, "Dr. Who arrives.");
      assert.equal(res.body.number, 2);
      const both = await h.json("PATCH", `/api/v1/sentences/${sid}`, { imagePrompt: "A blue box", videoPrompt: "" });
      assert.equal(both.body.imagePrompt, "A blue box");
      assert.equal(both.body.videoPrompt, "");
    });

    await t.step("bad input → 400 naming the fields, nothing written", async () => {
      const before = await counts(h.db.sql);
      const cases: [unknown, string[]][] = [
        [{ title: "", script: SCRIPT }, ["title"]],
        [{ title: "x" }, ["script"]],
        [{ title: "x".repeat(201), script: SCRIPT }, ["title"]],
        [{ title: "x", script: "   \n " }, ["script"]],
        [{ title: "x", script: SCRIPT, aspectRatio: "4:3" }, ["aspectRatio"]],
        [{ title: 5, script: SCRIPT, extra: 1 }, ["title", "(body)"]],
        [[1, 2], ["(body)"]],
      ];
      for (const [body, paths] of cases) {
        const res = await h.json("POST", "/api/v1/projects", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(typeof res.body.error, "string");
        for (const p of paths) {
          assert.ok(res.body.issues.some((i: { path: string }) => i.path === p), `${p} in ${JSON.stringify(res.body)}`);
        }
      }
      const notJson = await h.json("POST", "/api/v1/projects", "{not json");
      assert.equal(notJson.status, 400);
      assert.match(notJson.body.error, /not valid JSON/);
      const wrongType = await h.app.request("/api/v1/projects", { method: "POST", body: "title=x" });
      assert.equal(wrongType.status, 415);
      const noSentences = await h.json("POST", "/api/v1/projects", { title: "x", script: "# Only a heading" });
      assert.equal(noSentences.status, 400);
      assert.match(noSentences.body.error, /no sentences/);
      const tooLong = await h.json("POST", "/api/v1/projects", { title: "x", script: "a".repeat(2_000_001) });
      assert.equal(tooLong.status, 400);
      assert.deepEqual(await counts(h.db.sql), before);
    });

    await t.step("bad PATCH → 400, unknown ids → 404, nothing written", async () => {
      const project = await h.json("GET", `/api/v1/projects/${id}`);
      const sid = project.body.sections[0].sentences[0].id;
      for (const body of [{}, { imagePrompt: 3 }, { imagePrompt: "x".repeat(2001) }, { title: "x" }]) {
        const res = await h.json("PATCH", `/api/v1/sentences/${sid}`, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.ok(res.body.issues.length > 0);
      }
      assert.equal((await h.json("PATCH", "/api/v1/sentences/999999", { imagePrompt: "x" })).status, 404);
      assert.equal((await h.json("PATCH", "/api/v1/sentences/abc", { imagePrompt: "x" })).status, 404);
      assert.equal((await h.json("GET", "/api/v1/projects/999999")).status, 404);
      assert.equal((await h.json("GET", "/api/v1/projects/99999999999999")).status, 404);
      assert.equal((await h.json("GET", "/api/v1/projects/-1")).status, 404);
      const after = await h.json("GET", `/api/v1/projects/${id}`);
      assert.equal(after.body.sections[0].sentences[0].imagePrompt, "Hello there.");
    });

    await t.step("unknown route → 404 JSON; wrong method → 405 JSON with Allow", async () => {
      const missing = await h.json("GET", `/api/v1/projects/${id}/nothing-here`);
      assert.equal(missing.status, 404);
      assert.equal(typeof missing.body.error, "string");
      for (
        const [method, path, allow] of [
          ["PUT", `/api/v1/projects/${id}`, "GET, HEAD, PATCH, DELETE"],
          ["PUT", "/api/v1/projects", "GET, HEAD, POST"],
          ["POST", `/api/v1/sentences/1`, "GET, HEAD, PATCH, DELETE"],
          ["GET", `/api/v1/sentences/1/regenerate`, "POST"],
          ["POST", `/api/v1/sections/1`, "PATCH, DELETE"],
        ]
      ) {
        const res = await h.app.request(path, { method });
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.headers.get("allow"), allow);
        assert.match((await res.json()).error, new RegExp(`${method} is not allowed`));
      }
    });
  } finally {
    await h.close();
  }
});

Deno.test("a 10,000-sentence script imports in one request", async () => {
  const h = await testApp("api_big");
  try {
    const script = Array.from(
      { length: 100 },
      (_, s) =>
        `# Part ${s + 1}\n` + Array.from({ length: 100 }, (_, i) => `Scene ${s}-${i} shows something.`).join(" "),
    ).join("\n\n");
    const res = await h.json("POST", "/api/v1/projects", { title: "Big", script, aspectRatio: "9:16" });
    assert.equal(res.status, 201);
    assert.equal(res.body.sentenceCount, 10_000);
    assert.equal(res.body.sectionCount, 100);
  } finally {
    await h.close();
  }
});
