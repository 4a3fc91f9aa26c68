/**
 * A stand-alone writer process for the multi-process live tests: writes events the way the engine
 * does (one transaction per state change, with recordEvent), from several concurrent "workers"
 * whose transactions overlap and commit in random order.
 *
 *   deno run -A tests/helpers/event_writer.ts <projectId,...> <eventsPerProject> <concurrency>
 *
 * DATABASE_URL names the database. Prints one line of JSON: {"ids": {"<projectId>": [ids...]}}.
 */
import { connect } from "../../core/db/client.ts";
import { recordEvent } from "./live.ts";

if (import.meta.main) {
  const [projects, perProject, concurrency] = Deno.args;
  const projectIds = projects.split(",").map(Number);
  const total = Number(perProject) * projectIds.length;
  const sql = connect(Deno.env.get("DATABASE_URL")!, { max: Number(concurrency) + 1 });
  const ids: Record<string, number[]> = Object.fromEntries(projectIds.map((p) => [p, []]));
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const n = next++;
      const projectId = projectIds[n % projectIds.length];
      const id = await sql.begin(async (tx) => {
        const id = await recordEvent(tx, { projectId, runId: null, type: "scene.updated", data: { n } });
        await new Promise((r) => setTimeout(r, Math.random() * 8)); // hold the id a little
        return id;
      });
      ids[projectId].push(id);
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  await sql.end();
  for (const list of Object.values(ids)) list.sort((a, b) => a - b);
  console.log(JSON.stringify({ ids }));
}
