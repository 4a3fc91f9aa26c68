import assert from "node:assert/strict";
import { createExportsModel } from "./exports_model.ts";
import type { ExportView } from "../core/types.ts";

const view = (id: number, over: Partial<ExportView> = {}): ExportView => ({
  id,
  projectId: 7,
  status: "queued",
  progress: 0,
  options: { captions: { burnIn: false }, placeholders: false },
  files: null,
  error: null,
  sceneCount: 3,
  durationMs: null,
  elapsedMs: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  finishedAt: null,
  ...over,
});

Deno.test("exports model: the page's list, newest first, moved on by each export's new state", () => {
  const model = createExportsModel();
  model.init([view(1, { status: "done" }), view(2, { status: "failed" })]);
  model.init([view(9)]);
  assert.deepEqual(model.list.value.map((e) => [e.id, e.status]), [[2, "failed"], [1, "done"]]);
  model.apply(view(3));
  model.apply(view(3, { status: "running", progress: 0.5 }));
  assert.deepEqual(model.list.value.map((e) => [e.id, e.status, e.progress]), [[3, "running", 0.5], [2, "failed", 0], [
    1,
    "done",
    0,
  ]]);
  model.apply({} as ExportView);
  assert.equal(model.list.value.length, 3);
});
