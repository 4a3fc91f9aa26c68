import assert from "node:assert/strict";
import { testApp } from "./helpers/app.ts";

Deno.test("/readyz: 200 with the database reachable, no worker and an external database in a bare app", async () => {
  const t = await testApp("readyz");
  try {
    const { status, body } = await t.json("GET", "/readyz");
    assert.equal(status, 200);
    assert.equal(body.ready, true);
    assert.equal(body.database.reachable, true);
    assert.equal(typeof body.database.latencyMs, "number");
    assert.deepEqual(body.worker, { state: "absent" });
    assert.deepEqual(body.embeddedPostgres, { state: "external" });
  } finally {
    await t.close();
  }
});
