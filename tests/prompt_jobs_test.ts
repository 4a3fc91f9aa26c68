// "Write prompts" end to end: the real API, a real worker and Postgres, the openai writer against a
// fake OpenAI-compatible chat server (real HTTP), and the offline rules writer.
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import type { Config } from "../config.ts";
import { createProject } from "../core/domain/projects.ts";
import { writeVideoPrompt } from "../core/domain/video_prompt.ts";
import type { PromptsUpdate, SentenceView } from "../core/types.ts";
import { freshDatabase, type TestDatabase } from "./helpers/db.ts";
import { removeDataDir, startTestWorker, testConfig, type TestWorker, waitFor } from "./helpers/worker.ts";
import { setPart } from "./helpers/parts.ts";
import { type FakeChatServer, startFakeChatServer } from "./fakes/openai_chat.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const SCRIPT = [
  "# Dusk",
  "Mara climbs the tower. She lights the lamp. The gulls wheel overhead.",
  "# The storm",
  "Waves break on the rocks. A boat fights the swell. Mara watches from the gallery. The lamp burns all night.",
].join("\n");

interface Studio {
  db: TestDatabase;
  config: Config;
  /** The worker (a test may stop it and start another). */
  worker: TestWorker;
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: Any }>;
  /** A project of SCRIPT: its id, sentence ids in order and section ids. */
  project(): Promise<{ id: number; ids: number[]; sections: number[] }>;
  close(): Promise<void>;
}

async function startStudio(label: string, env: Record<string, string>): Promise<Studio> {
  const db = await freshDatabase(label);
  const config = await testConfig(db, env);
  const app = createApp({ sql: db.sql, config });
  const studio: Studio = {
    db,
    config,
    worker: await startTestWorker(db, config),
    async json(method, path, body) {
      const res = await app.request(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async project() {
      const { id } = await createProject(db.sql, { title: "The Lighthouse Keeper", script: SCRIPT });
      const rows = await db.sql<{ id: number; section_id: number }[]>`
        select s.id, s.section_id from sentences s join sections sec on sec.id = s.section_id
        where s.project_id = ${id} order by sec.position, s.position`;
      return { id, ids: rows.map((r) => r.id), sections: [...new Set(rows.map((r) => r.section_id))] };
    },
    async close() {
      await studio.worker.stop();
      await db.drop();
      await removeDataDir(config);
    },
  };
  return studio;
}

/** The sentences' prompts and who wrote them, in order. */
async function prompts(db: TestDatabase, ids: number[]) {
  return [
    ...await db.sql<{ id: number; image: string; image_source: string; video: string; video_source: string }[]>`
    select id, image_prompt as image, image_prompt_source as image_source, video_prompt as video,
      video_prompt_source as video_source
    from sentences where id = any(${ids}::int[]) order by array_position(${ids}::int[], id)`,
  ];
}

/** Puts every prompt back to its state after import. */
async function resetPrompts(db: TestDatabase, projectId: number) {
  await db.sql`
    update sentences set image_prompt = left(text, 2000), image_prompt_source = 'script', video_prompt = '',
      video_prompt_source = 'none'
    where project_id = ${projectId}`;
}

/** The project's events of these types after event id `after`, oldest first. */
async function events(db: TestDatabase, projectId: number, after = 0) {
  return await db.sql<{ id: number; type: string; data: Any }[]>`
    select id::int, type, data from events
    where project_id = ${projectId} and id > ${after} and type in ('prompts.updated', 'sentence.updated')
    order by id`;
}

async function lastEventId(db: TestDatabase): Promise<number> {
  const [{ id }] = await db.sql<{ id: number }[]>`select coalesce(max(id), 0)::int as id from events`;
  return id;
}

async function waitForJob(studio: Studio, jobId: number, status = "completed", timeoutMs = 15_000) {
  return await waitFor(`prompt job ${jobId} to be ${status}`, async () => {
    const { body } = await studio.json("GET", `/api/v1/prompt-jobs/${jobId}`);
    return body.job.status === status ? body.job : undefined;
  }, timeoutMs);
}

const image = (n: number, text: string) => `Image ${n}: ${text}`;
/** A good answer for these scene numbers (what the fake writes by itself). */
const goodBatch = (numbers: number[]) =>
  JSON.stringify({
    notes: "N",
    scenes: numbers.map((n) => ({ scene: n, image: image(n, TEXTS[n - 1]), video: video(n) })),
  });
const video = (n: number) => `Camera pushes in slowly on scene ${n}.`;
const TEXTS = [
  "Mara climbs the tower.",
  "She lights the lamp.",
  "The gulls wheel overhead.",
  "Waves break on the rocks.",
  "A boat fights the swell.",
  "Mara watches from the gallery.",
  "The lamp burns all night.",
];

Deno.test("write prompts with an OpenAI-compatible chat server", async (t) => {
  const fake: FakeChatServer = startFakeChatServer({ apiKey: "sk-test" });
  const studio = await startStudio("prompt_jobs", {
    PROMPT_PROVIDER: "openai",
    PROMPT_API_URL: fake.url,
    PROMPT_MODEL: "fake-llm",
    PROMPT_API_KEY: "sk-test",
    PROMPT_BATCH_SIZE: "3",
    MAX_ATTEMPTS: "3",
    RETRY_BACKOFF_MS: "50",
  });
  const { db } = studio;
  try {
    const { id: projectId, ids, sections } = await studio.project();
    const start = (body?: unknown) => studio.json("POST", `/api/v1/projects/${projectId}/write-prompts`, body);
    const fresh = async () => {
      await resetPrompts(db, projectId);
      fake.calls.length = 0;
      return await lastEventId(db);
    };

    await t.step("the whole project: batches in order, the script's context and the notes carried along", async () => {
      const since = await fresh();
      // The first scene has an image made from its old prompt: it is out of date once rewritten.
      await setPart(db.sql, ids[0], "image", { status: "done", path: "projects/1/old.png" });
      const res = await start();
      assert.equal(res.status, 202);
      assert.deepEqual(
        { ...res.body.job, id: 0, createdAt: "" },
        {
          id: 0,
          projectId,
          status: "active",
          scope: "project",
          sectionId: null,
          total: 7,
          written: 0,
          error: null,
          createdAt: "",
          finishedAt: null,
        },
      );
      const job = await waitForJob(studio, res.body.job.id);
      assert.equal(job.written, 7);
      assert.ok(job.finishedAt);
      assert.deepEqual(fake.calls.map((c) => c.scenes.map((s) => s.scene)), [[1, 2, 3], [4, 5, 6], [7]]);
      const users = fake.calls.map((c) => c.body.messages!.at(-1)!.content);
      assert.match(users[0], /^Script: "The Lighthouse Keeper" — 7 scenes in 2 sections\. Frame: 16:9/);
      assert.match(users[0], /## Dusk\n\[1\] Mara climbs the tower\.[\s\S]*## The storm\n\[4\] Waves break/);
      assert.match(users[0], /Notes so far:\n\(none yet/);
      assert.match(users[1], /Notes so far:\nNotes after call 1\n/);
      assert.match(users[2], /Notes so far:\nNotes after call 2\n/);
      assert.equal(fake.calls[0].authorization, "Bearer sk-test");
      assert.deepEqual(
        await prompts(db, ids),
        ids.map((id, i) => ({
          id,
          image: image(i + 1, TEXTS[i]),
          image_source: "writer",
          video: video(i + 1),
          video_source: "writer",
        })),
      );
      const [{ notes }] = await db.sql`select notes from prompt_jobs where id = ${job.id}`;
      assert.equal(notes, "Notes after call 3");

      // Events: each batch's scenes, then its progress; the end.
      const log = await events(db, projectId, since);
      const progress = log.filter((e) => e.type === "prompts.updated").map((e) => e.data as PromptsUpdate);
      assert.deepEqual(progress.map((p) => [p.status, p.written, p.total]), [
        ["active", 0, 7],
        ["active", 3, 7],
        ["active", 6, 7],
        ["active", 7, 7],
        ["completed", 7, 7],
      ]);
      assert.deepEqual(log.map((e) => e.type === "prompts.updated" ? `p${e.data.written}` : e.data.id), [
        "p0",
        ids[0],
        ids[1],
        ids[2],
        "p3",
        ids[3],
        ids[4],
        ids[5],
        "p6",
        ids[6],
        "p7",
        "p7",
      ]);
      const first = log.find((e) => e.type === "sentence.updated")!.data as SentenceView;
      assert.equal(first.imagePrompt, image(1, TEXTS[0]));
      assert.equal(first.videoPrompt, video(1));
      assert.equal(first.image.outdated, true, "the image made from the old prompt is out of date");
    });

    await t.step("one section, then one scene", async () => {
      await fresh();
      const section = await start({ sectionId: sections[1] });
      assert.equal(section.status, 202);
      assert.equal(section.body.job.scope, "section");
      assert.equal(section.body.job.sectionId, sections[1]);
      assert.equal(section.body.job.total, 4);
      await waitForJob(studio, section.body.job.id);
      assert.deepEqual(fake.calls.map((c) => c.scenes.map((s) => s.scene)), [[4, 5, 6], [7]]);
      const after = await prompts(db, ids);
      assert.deepEqual(after.map((p) => p.video_source), [
        "none",
        "none",
        "none",
        "writer",
        "writer",
        "writer",
        "writer",
      ]);

      const scene = await start({ sentenceIds: [ids[1]] });
      assert.equal(scene.status, 202);
      assert.equal(scene.body.job.scope, "scenes");
      await waitForJob(studio, scene.body.job.id);
      assert.deepEqual(fake.calls.at(-1)!.scenes, [{ scene: 2, text: "She lights the lamp." }]);
      assert.deepEqual((await prompts(db, [ids[1]]))[0], {
        id: ids[1],
        image: image(2, TEXTS[1]),
        image_source: "writer",
        video: video(2),
        video_source: "writer",
      });
      assert.equal((await prompts(db, [ids[0]]))[0].video_source, "none", "other scenes are left alone");
    });

    await t.step("the creator's prompts are never overwritten; their image prompt is animated", async () => {
      await fresh();
      const patch = (id: number, body: unknown) => studio.json("PATCH", `/api/v1/sentences/${id}`, body);
      assert.equal((await patch(ids[0], { imagePrompt: "A woman in a red coat on spiral stairs." })).status, 200);
      assert.equal((await patch(ids[1], { imagePrompt: "My lamp.", videoPrompt: "My flame." })).status, 200);
      const res = await start();
      assert.equal(res.body.job.total, 6, "a scene whose prompts are both the creator's is not written");
      await waitForJob(studio, res.body.job.id);
      assert.deepEqual(fake.calls[0].scenes.slice(0, 2), [
        { scene: 1, text: "Mara climbs the tower.", image: "A woman in a red coat on spiral stairs." },
        { scene: 3, text: "The gulls wheel overhead." },
      ]);
      const [first, second] = await prompts(db, ids.slice(0, 2));
      assert.deepEqual(first, {
        id: ids[0],
        image: "A woman in a red coat on spiral stairs.",
        image_source: "creator",
        video: video(1),
        video_source: "writer",
      });
      assert.deepEqual(second, {
        id: ids[1],
        image: "My lamp.",
        image_source: "creator",
        video: "My flame.",
        video_source: "creator",
      });

      // Nothing left to write → 409 with a sentence.
      await patch(ids[0], { videoPrompt: "My stairs." });
      const none = await start({ sentenceIds: [ids[0], ids[1]] });
      assert.equal(none.status, 409);
      assert.match(
        none.body.error,
        /^The image and video prompts of every scene here are your own, and the prompt writer never changes those/,
      );
    });

    await t.step("a creator's edit that lands while the job runs wins", async () => {
      await fresh();
      const held = fake.hold();
      const res = await start();
      await held.arrived; // batch 1 is being written…
      // …while the creator edits scenes of it: their words stay, the rest of the batch is saved.
      await studio.json("PATCH", `/api/v1/sentences/${ids[1]}`, { videoPrompt: "Her hand trembles." });
      await studio.json("PATCH", `/api/v1/sentences/${ids[2]}`, { imagePrompt: "Gulls, charcoal sketch." });
      held.release();
      const job = await waitForJob(studio, res.body.job.id);
      assert.equal(job.written, 7);
      const [a, b, c] = await prompts(db, ids.slice(0, 3));
      assert.deepEqual([a.image, a.video], [image(1, TEXTS[0]), video(1)]);
      assert.deepEqual([b.image, b.image_source, b.video, b.video_source], [
        image(2, TEXTS[1]),
        "writer",
        "Her hand trembles.",
        "creator",
      ]);
      assert.deepEqual([c.image, c.image_source, c.video, c.video_source], [
        "Gulls, charcoal sketch.",
        "creator",
        video(3),
        "writer",
      ]);
    });

    await t.step(
      "cancel: the request in flight is dropped, nothing more is saved, the job ends cancelled",
      async () => {
        const since = await fresh();
        const first = fake.hold();
        const second = fake.hold();
        const res = await start();
        const jobId = res.body.job.id;
        (await first.arrived, first.release());
        await second.arrived; // batch 1 is saved; batch 2 is being written
        const cancelled = await studio.json("POST", `/api/v1/prompt-jobs/${jobId}/cancel`);
        assert.equal(cancelled.status, 200);
        assert.equal(cancelled.body.cancelled, true);
        assert.equal(cancelled.body.job.status, "cancelled");
        assert.equal(cancelled.body.job.written, 3);
        const stopping = performance.now();
        await waitFor("the worker to drop the job", async () => {
          const rows = await db.sql`select 1 from graphile_worker.jobs where task_identifier = 'write_prompts'`;
          return rows.length === 0;
        });
        const stopMs = performance.now() - stopping;
        assert.ok(stopMs < 2000, `stopped after ${Math.round(stopMs)} ms`);
        second.release(); // the server's late answer goes nowhere
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(fake.calls.length, 2);
        const after = await prompts(db, ids);
        assert.deepEqual(after.map((p) => p.video_source), [
          "writer",
          "writer",
          "writer",
          "none",
          "none",
          "none",
          "none",
        ]);
        const progress = (await events(db, projectId, since)).filter((e) => e.type === "prompts.updated");
        assert.deepEqual(progress.map((e) => [e.data.status, e.data.written]), [
          ["active", 0],
          ["active", 3],
          ["cancelled", 3],
        ]);
        const again = await studio.json("POST", `/api/v1/prompt-jobs/${jobId}/cancel`);
        assert.deepEqual([again.status, again.body.cancelled, again.body.job.status], [200, false, "cancelled"]);
      },
    );

    await t.step("one active job per project: a second request gets the active one", async () => {
      await fresh();
      const held = fake.hold();
      const first = await start();
      await held.arrived;
      const second = await start({ sectionId: sections[0] });
      assert.equal(second.status, 200);
      assert.equal(second.body.job.id, first.body.job.id);
      assert.equal(second.body.job.scope, "project");
      held.release();
      await waitForJob(studio, first.body.job.id);
      const third = await start({ sectionId: sections[0] });
      assert.equal(third.status, 202);
      assert.notEqual(third.body.job.id, first.body.job.id);
      await waitForJob(studio, third.body.job.id);
      const [{ n }] = await db
        .sql`select count(*)::int as n from prompt_jobs where project_id = ${projectId} and status = 'active'`;
      assert.equal(n, 0);
    });

    await t.step("failures end the job with the writer's sentence; transient ones are tried again", async () => {
      // A transient failure, then success: the batch is written.
      await fresh();
      fake.script({ status: 500, message: "CUDA out of memory" });
      const retried = await start({ sentenceIds: [ids[0]] });
      const done = await waitForJob(studio, retried.body.job.id);
      assert.equal(done.error, null);
      assert.equal(fake.calls.length, 2);
      assert.equal((await prompts(db, [ids[0]]))[0].video, video(1));

      // Transient every time: the job gives up after MAX_ATTEMPTS and says so.
      await fresh();
      fake.script(...Array.from({ length: 3 }, () => ({ status: 503, message: "Loading model" })));
      const busy = await start({ sentenceIds: [ids[0]] });
      const gaveUp = await waitForJob(studio, busy.body.job.id, "failed");
      assert.match(
        gaveUp.error,
        /^The prompt writer's chat server at 127\.0\.0\.1:\d+ failed \(HTTP 503: Loading model\)\. Gave up after 3 tries: write prompts again later\.$/,
      );

      // A permanent failure ends it at once; what earlier batches saved stays.
      const since = await fresh();
      fake.script({ content: goodBatch([1, 2, 3]) }, { status: 401, message: "Incorrect API key provided." });
      const refused = await start();
      const failed = await waitForJob(studio, refused.body.job.id, "failed");
      assert.equal(failed.written, 3);
      assert.match(failed.error, /refused the API key \(HTTP 401: Incorrect API key provided\.\)\. Set PROMPT_API_KEY/);
      assert.doesNotMatch(failed.error, /sk-test/);
      assert.equal(fake.calls.length, 2, "a permanent failure is not tried again");
      const after = await prompts(db, ids);
      assert.deepEqual(after.map((p) => p.video_source), [
        "writer",
        "writer",
        "writer",
        "none",
        "none",
        "none",
        "none",
      ]);
      const last = (await events(db, projectId, since)).at(-1)!;
      assert.equal(last.type, "prompts.updated");
      assert.deepEqual([last.data.status, last.data.written, last.data.error], ["failed", 3, failed.error]);

      // Unusable output twice: a permanent failure naming the model.
      await fresh();
      fake.script({ content: "Sure! Scene one: stairs." }, { content: "```\nstill not json\n```" });
      const junk = await start({ sentenceIds: [ids[0]] });
      const unusable = await waitForJob(studio, junk.body.job.id, "failed");
      assert.match(unusable.error, /^The model fake-llm .* twice gave an answer that could not be used/);
    });

    await t.step(
      "a worker shutting down hands the job back; the next one resumes at the batch it stopped in",
      async () => {
        await fresh();
        const first = fake.hold();
        const second = fake.hold();
        const res = await start();
        (await first.arrived, first.release());
        await second.arrived; // batch 1 is saved; batch 2 is being written when the worker stops
        await studio.worker.stop(); // after SHUTDOWN_GRACE_MS the request is aborted and the job handed back
        second.release();
        const job = (await studio.json("GET", `/api/v1/prompt-jobs/${res.body.job.id}`)).body.job;
        assert.deepEqual([job.status, job.written], ["active", 3]);
        studio.worker = await startTestWorker(db, studio.config);
        await waitForJob(studio, job.id);
        assert.deepEqual(fake.calls.map((c) => c.scenes.map((s) => s.scene)), [[1, 2, 3], [4, 5, 6], [4, 5, 6], [7]]);
        const resumed = fake.calls[2].body.messages!.at(-1)!.content;
        assert.match(resumed, /Notes so far:\nNotes after call 1\n/, "the notes survive the hand-over");
        assert.deepEqual((await prompts(db, ids)).map((p) => p.video), ids.map((_, i) => video(i + 1)));
      },
    );

    await t.step("requests the API refuses", async () => {
      const other = await studio.project();
      const cases: [string, string, unknown, number, RegExp][] = [
        ["POST", `/api/v1/projects/999999/write-prompts`, undefined, 404, /There is no project with id 999999\./],
        ["POST", `/api/v1/projects/${projectId}/write-prompts`, { sectionId: 1, sentenceIds: [1] }, 400, /not both/],
        ["POST", `/api/v1/projects/${projectId}/write-prompts`, { sentenceIds: [] }, 400, /must not be empty/],
        [
          "POST",
          `/api/v1/projects/${projectId}/write-prompts`,
          { sentenceIds: [other.ids[0]] },
          400,
          new RegExp(`Sentence ${other.ids[0]} is not a scene of this project\\.`),
        ],
        [
          "POST",
          `/api/v1/projects/${projectId}/write-prompts`,
          { sectionId: other.sections[0] },
          400,
          /is not a section of this project/,
        ],
        ["GET", `/api/v1/projects/${projectId}/write-prompts`, undefined, 405, /use POST/],
        ["GET", `/api/v1/prompt-jobs/999999`, undefined, 404, /There is no prompt job with id 999999\./],
        ["POST", `/api/v1/prompt-jobs/999999/cancel`, undefined, 404, /There is no prompt job/],
        ["DELETE", `/api/v1/prompt-jobs/1`, undefined, 405, /use GET, HEAD/],
      ];
      for (const [method, path, body, status, pattern] of cases) {
        const res = await studio.json(method, path, body);
        assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.error, pattern);
      }
    });
  } finally {
    await studio.close();
    await fake.close();
  }
});

Deno.test("write prompts offline with the rules writer", async () => {
  const studio = await startStudio("prompt_rules", {});
  try {
    assert.equal(studio.config.prompts.provider, "rules");
    const { id: projectId, ids } = await studio.project();
    await studio.json("PATCH", `/api/v1/sentences/${ids[1]}`, { imagePrompt: "A brass lamp, oil painting." });
    const res = await studio.json("POST", `/api/v1/projects/${projectId}/write-prompts`);
    assert.equal(res.status, 202);
    const job = await waitForJob(studio, res.body.job.id);
    assert.deepEqual([job.total, job.written, job.error], [7, 7, null]);
    const after = await prompts(studio.db, ids);
    assert.deepEqual(after[0], {
      id: ids[0],
      // The image prompt is the sentence itself: it stays the script's, following edits of the text.
      image: TEXTS[0],
      image_source: "script",
      video: writeVideoPrompt({ imagePrompt: TEXTS[0], sentence: TEXTS[0] }),
      video_source: "writer",
    });
    assert.equal(after[1].image, "A brass lamp, oil painting.");
    assert.equal(after[1].video, writeVideoPrompt({ imagePrompt: "A brass lamp, oil painting.", sentence: TEXTS[1] }));
    assert.match(after[3].video, /water moving with a slow swell/);
    // Every scene got a sentence.updated event with its new video prompt.
    const updated = (await events(studio.db, projectId)).filter((e) => e.type === "sentence.updated");
    assert.deepEqual(updated.map((e) => e.data.id).slice(-7), ids);
    assert.equal(updated.at(-1)!.data.videoPrompt, after[6].video);
  } finally {
    await studio.close();
  }
});
