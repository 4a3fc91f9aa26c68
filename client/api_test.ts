import assert from "node:assert/strict";
import type { RunSummary } from "../core/types.ts";
import { ApiCallError, createApi, runFrom } from "./api.ts";

const run = { id: 3, projectId: 7, status: "active", totalScenes: 2 } as Partial<RunSummary>;

/** A stand-in for the browser's fetch: records the requests, answers with `answer`. */
function fakeFetch(answer: () => Promise<Response>) {
  const requests: { url: string; method?: string; contentType: string | null; body?: string }[] = [];
  const impl = (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push({
      url: String(input),
      method: init?.method,
      contentType: new Headers(init?.headers).get("content-type"),
      body: init?.body as string | undefined,
    });
    return answer();
  };
  return { impl: impl as typeof fetch, requests };
}

Deno.test("the three calls: paths, methods, bodies; the answer's run is returned", async () => {
  const fetch = fakeFetch(() => Promise.resolve(Response.json({ run }, { status: 202 })));
  const api = createApi(fetch.impl);
  assert.equal((await api.generate(7))?.id, 3);
  await api.cancel(7);
  await api.retry(7);
  await api.retry(7, [11, 12]);
  assert.deepEqual(fetch.requests, [
    { url: "/api/v1/projects/7/generate-scenes", method: "POST", contentType: null, body: undefined },
    { url: "/api/v1/projects/7/cancel-scenes", method: "POST", contentType: null, body: undefined },
    { url: "/api/v1/projects/7/retry-failed-scenes", method: "POST", contentType: "application/json", body: "{}" },
    {
      url: "/api/v1/projects/7/retry-failed-scenes",
      method: "POST",
      contentType: "application/json",
      body: '{"sentenceIds":[11,12]}',
    },
  ]);
});

Deno.test("scene calls: regenerate, generate with a scope, takes listed and picked", async () => {
  const answers = [
    Response.json({ run }, { status: 202 }),
    Response.json({ run }, { status: 202 }),
    Response.json({ image: [{ id: 5 }], video: [], audio: [] }),
    Response.json({ status: "done", url: "/media/x.png" }),
  ];
  const fetch = fakeFetch(() => Promise.resolve(answers.shift()!));
  const api = createApi(fetch.impl);
  assert.equal((await api.regenerate(11, ["image"]))?.id, 3);
  assert.equal((await api.generate(7, "changed"))?.id, 3);
  assert.deepEqual((await api.takes(11)).image, [{ id: 5 }]);
  assert.equal((await api.chooseTake(11, "image", 5)).url, "/media/x.png");
  const json = "application/json";
  assert.deepEqual(fetch.requests, [
    { url: "/api/v1/sentences/11/regenerate", method: "POST", contentType: json, body: '{"parts":["image"]}' },
    { url: "/api/v1/projects/7/generate-scenes", method: "POST", contentType: json, body: '{"scope":"changed"}' },
    { url: "/api/v1/sentences/11/takes", method: "GET", contentType: null, body: undefined },
    {
      url: "/api/v1/sentences/11/takes/current",
      method: "PUT",
      contentType: json,
      body: '{"part":"image","takeId":5}',
    },
  ]);
});

Deno.test("failures read as sentences: the server's own, a status line, or 'could not reach'", async () => {
  const cases: [() => Promise<Response>, string, number][] = [
    [
      () => Promise.resolve(Response.json({ error: "No scene of this project has failed." }, { status: 409 })),
      "No scene of this project has failed.",
      409,
    ],
    [() => Promise.resolve(new Response("<h1>Bad gateway</h1>", { status: 502 })), "The server answered 502.", 502],
    [
      () => Promise.resolve(new Response("", { status: 503, statusText: "Service Unavailable" })),
      "The server answered 503 Service Unavailable.",
      503,
    ],
    [
      () => Promise.reject(new TypeError("fetch failed")),
      "Could not reach the server. Check that Scene Studio is running and try again.",
      0,
    ],
  ];
  for (const [answer, message, status] of cases) {
    const error = await createApi(fakeFetch(answer).impl).cancel(7).then(() => null, (e) => e);
    assert.ok(error instanceof ApiCallError, message);
    assert.equal(error.message, message);
    assert.equal(error.status, status);
  }
});

Deno.test("runFrom: an answer's {run} or an event's summary; anything else is no run", () => {
  assert.equal(runFrom({ run })?.id, 3);
  assert.equal(runFrom(run)?.id, 3);
  assert.deepEqual(runFrom(run)?.images, { done: 0, total: 0 }, "missing counts default to zero");
  for (const data of [null, undefined, "run", 5, {}, { run: null }, { id: "3", status: "active", totalScenes: 1 }]) {
    assert.equal(runFrom(data), null, JSON.stringify(data));
  }
});
