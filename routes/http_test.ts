import assert from "node:assert/strict";
import { errorToJson } from "./http.ts";

Deno.test("errorToJson: a database that cannot be reached is a 503 with a sentence; other faults stay 500", () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  const cases: [unknown, number][] = [
    [withCode("write CONNECTION_CLOSED 127.0.0.1:5432", "CONNECTION_CLOSED"), 503],
    [withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"), 503],
    [withCode("the database system is starting up", "57P03"), 503],
    [withCode("No space left on device (os error 28)", "ENOSPC"), 500],
    [new TypeError("Cannot read properties of undefined"), 500],
  ];
  for (const [error, status] of cases) {
    const out = errorToJson(error);
    assert.equal(out.status, status, String(error));
    if (status === 503) assert.match(String(out.body.error), /^The database cannot be reached right now/);
  }
});
