import assert from "node:assert/strict";
import { createLogger } from "./log.ts";

function collect(format: "text" | "json", level: "debug" | "info" | "warn" | "error") {
  const out: string[] = [];
  const err: string[] = [];
  const logger = createLogger({ format, level, sink: { out: (l) => out.push(l), err: (l) => err.push(l) } });
  return { logger, out, err };
}

Deno.test("text: the message alone; warn and error on stderr; lines below the level dropped", () => {
  const { logger, out, err } = collect("text", "info");
  logger.debug("hidden");
  logger.info("Scene Studio is ready.", { projectId: 1 });
  logger.warn("careful");
  logger.error("broken");
  assert.deepEqual(out, ["Scene Studio is ready."]);
  assert.deepEqual(err, ["careful", "broken"]);
});

Deno.test("json: level, time, msg and the fields of the line and its logger; reserved keys not overwritten", () => {
  const { logger, out, err } = collect("json", "warn");
  const job = logger.child({ jobId: "12", runId: 3 });
  job.info("dropped below warn");
  job.warn("retrying", { sentenceId: 9, msg: "not this", error: new Error("timeout") });
  assert.deepEqual(out, []);
  const record = JSON.parse(err[0]);
  assert.equal(record.level, "warn");
  assert.equal(record.msg, "retrying");
  assert.ok(Date.parse(record.time) > 0);
  assert.deepEqual({ ...record, time: 0 }, {
    level: "warn",
    time: 0,
    msg: "retrying",
    jobId: "12",
    runId: 3,
    sentenceId: 9,
    error: "timeout",
  });
});
