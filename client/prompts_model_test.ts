import assert from "node:assert/strict";
import type { PromptJobView, PromptsUpdate } from "../core/types.ts";
import { createPromptsModel, newer } from "./prompts_model.ts";
import { jobUpdate } from "./prompts_api.ts";

const update = (jobId: number, status: PromptsUpdate["status"], written: number): PromptsUpdate => ({
  jobId,
  status,
  scope: "project",
  sectionId: null,
  total: 10,
  written,
});

const cases: [string, PromptsUpdate | null, PromptsUpdate, PromptsUpdate][] = [
  ["the first news is taken", null, update(1, "active", 0), update(1, "active", 0)],
  ["a newer job replaces an older one", update(1, "completed", 10), update(2, "active", 0), update(2, "active", 0)],
  ["an older job does not come back", update(2, "active", 0), update(1, "completed", 10), update(2, "active", 0)],
  ["progress goes on", update(1, "active", 3), update(1, "active", 6), update(1, "active", 6)],
  ["progress never goes back (a late answer)", update(1, "active", 6), update(1, "active", 0), update(1, "active", 6)],
  ["the end is taken", update(1, "active", 6), update(1, "cancelled", 6), update(1, "cancelled", 6)],
  ["an ended job is not active again", update(1, "cancelled", 6), update(1, "active", 6), update(1, "cancelled", 6)],
];
for (const [name, current, next, want] of cases) {
  Deno.test(`prompt job news: ${name}`, () => assert.deepEqual(newer(current, next), want));
}

const view = (id: number, status: PromptJobView["status"], written = 0): PromptJobView => ({
  id,
  projectId: 7,
  status,
  scope: "section",
  sectionId: 3,
  total: 4,
  written,
  error: status === "failed" ? "The model refused." : null,
  createdAt: "2026-01-01T00:00:00.000Z",
  finishedAt: status === "active" ? null : "2026-01-01T00:01:00.000Z",
});

/** A fetch that records requests and answers in turn. */
function fetching(...answers: Response[]) {
  const requests: { url: string; body: unknown }[] = [];
  const impl = ((input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({ url: String(input), body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const next = answers.shift();
    return next ? Promise.resolve(next) : Promise.reject(new TypeError("offline"));
  }) as typeof fetch;
  return { impl, requests };
}

Deno.test("prompt job model: a button starts a job, follows it, cancels it", async () => {
  const fetch = fetching(
    Response.json({ job: view(5, "active") }, { status: 202 }),
    Response.json({ job: view(5, "cancelled", 2), cancelled: true }),
  );
  const model = createPromptsModel(fetch.impl);
  model.init(jobUpdate(view(4, "completed", 4)));
  assert.equal(model.watched.value, null, "an old job's end is not news");
  await model.write("section:3", 7, { sectionId: 3 });
  assert.deepEqual(fetch.requests[0], { url: "/api/v1/projects/7/write-prompts", body: { sectionId: 3 } });
  assert.deepEqual(model.origin.value, { jobId: 5, key: "section:3" });
  assert.equal(model.watched.value, 5);
  model.apply(update(5, "active", 2)); // an event
  assert.equal(model.job.value?.written, 2);
  await model.cancel("section:3");
  assert.equal(fetch.requests[1].url, "/api/v1/prompt-jobs/5/cancel");
  assert.equal(model.job.value?.status, "cancelled");
  assert.equal(model.busy.value, null);
});

Deno.test("prompt job model: the job running already is not claimed; errors are kept for their button", async () => {
  const fetch = fetching(
    Response.json({ job: view(8, "active", 1) }), // 200: the project's active job
    Response.json({ error: "This section has no scenes, so there are no prompts to write." }, { status: 409 }),
  );
  const model = createPromptsModel(fetch.impl);
  model.init(jobUpdate(view(8, "active", 1)));
  await model.write("project", 7);
  assert.equal(model.origin.value, null, "another tab's job stays its own");
  model.apply(update(8, "completed", 10));
  await model.write("section:9", 7, { sectionId: 9 });
  assert.deepEqual(model.error.value, {
    origin: "section:9",
    message: "This section has no scenes, so there are no prompts to write.",
  });
  await model.write("project", 7);
  assert.match(model.error.value?.message ?? "", /^Could not reach the server/);
  model.clearError();
  assert.equal(model.error.value, null);
});

Deno.test("prompt job answers take the shape of the events", () => {
  assert.deepEqual(jobUpdate(view(3, "failed", 2)), {
    jobId: 3,
    status: "failed",
    scope: "section",
    sectionId: 3,
    total: 4,
    written: 2,
    error: "The model refused.",
  });
});
