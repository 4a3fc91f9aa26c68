// docs/admin-sql.md is a promise to admins: every SQL recipe in it runs, on a database with a
// project, a run with failures, and a live worker; the actions do what they say through the app's
// own operations, and leave the engine's invariants intact.
import assert from "node:assert/strict";
import { startRun } from "../core/engine/runs.ts";
import { freshDatabase } from "./helpers/db.ts";
import { assertInvariants } from "./helpers/invariants.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, waitFor, waitForRunEnd } from "./helpers/worker.ts";

const doc = await Deno.readTextFile(new URL("../docs/admin-sql.md", import.meta.url));
const recipes = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1].trim());

Deno.test("admin SQL: every recipe in docs/admin-sql.md runs, and the actions act through the app", async () => {
  assert.ok(recipes.length >= 14, `found ${recipes.length} recipes`);
  const db = await freshDatabase("admin_sql");
  const config = await testConfig(db, { SIMULATED_IMAGE_MS: "0", SIMULATED_VIDEO_MS: "0" });
  const worker = await startTestWorker(db, config);
  try {
    const { projectId, sentenceIds } = await makeProject(db.sql, 4);
    await db.sql`update sentences set image_prompt = '[fail] broken' where id = ${sentenceIds[1]}`;
    await startRun(db.sql, projectId, { maxAttempts: 3 });
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    // Every recipe runs (the project id in the document is 1; this database's is the same): the
    // views first, then the actions.
    assert.equal(projectId, 1);
    const run = (recipe: string) =>
      db.sql.unsafe(recipe).catch((error) => {
        throw new Error(`The recipe failed: ${error.message}\n${recipe}`);
      });
    const isAction = (recipe: string) => /studio_admin\.\w+\(/.test(recipe);
    for (const recipe of recipes.filter((r) => !isAction(r))) await run(recipe);
    // The failure is where the document says to look, with the card's message.
    const [failure] = await db.sql`select scene_number, part, error from studio_admin.failures`;
    assert.deepEqual({ ...failure, error: typeof failure.error }, { scene_number: 2, part: "image", error: "string" });
    for (const recipe of recipes.filter(isAction)) await run(recipe);

    // retry_failed (from the recipes) re-ran the failure through the app: a new run, the part failed again.
    await waitFor("the admin actions to be carried out", async () => {
      const [{ n }] = await db
        .sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'admin_action'`;
      return n === 0;
    }, 15_000);
    const runs = await db.sql`select run_id, status from studio_admin.runs`;
    assert.ok(runs.length >= 2, JSON.stringify(runs));
    assert.equal(await waitForRunEnd(db.sql, projectId), "completed");

    // cancel_run on an active run cancels it, as the button does.
    await db.sql`update sentences set image_prompt = '[slow] slow' where id = ${sentenceIds[0]}`;
    await db.sql`update scene_parts set status = 'failed', error = 'again' where sentence_id = ${
      sentenceIds[0]
    } and kind = 'image'`;
    await db.sql`select studio_admin.retry_failed(${projectId})`;
    await waitFor("the retry to start", async () => {
      const [run] = await db.sql`select status from studio_admin.runs limit 1`;
      return run.status === "active";
    }, 15_000);
    await db.sql`select studio_admin.cancel_run(${projectId})`;
    assert.equal(await waitForRunEnd(db.sql, projectId, 15_000), "cancelled");

    // prune_takes(1) leaves one take per part, never the one shown; its files go.
    await db.sql`select studio_admin.prune_takes(1)`;
    await waitFor("prune_takes", async () => {
      const [{ n }] = await db
        .sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'admin_action'`;
      return n === 0;
    }, 15_000);
    const [{ most }] = await db.sql`
      select coalesce(max(n), 0)::int as most from (select count(*) as n from takes group by sentence_id, kind) t`;
    assert.ok(most <= 1);
    const [{ missing }] = await db.sql`
      select count(*)::int as missing from scene_parts p where p.status = 'done' and p.take_id is null`;
    assert.equal(missing, 0);
    await assertInvariants(db.sql, { quiescent: true });
  } finally {
    await worker.stop();
    await db.drop();
    await removeDataDir(config);
  }
});
