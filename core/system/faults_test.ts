import assert from "node:assert/strict";
import { classifyFault, withoutServerPaths } from "./faults.ts";

const withCode = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });

Deno.test("classifyFault: global faults get a kind and a sentence without paths; job errors get null", async (t) => {
  const cases: [string, unknown, string | null][] = [
    [
      "Deno ENOSPC",
      withCode("No space left on device (os error 28): writefile '/srv/media/a.png'", "ENOSPC"),
      "disk-full",
    ],
    ["node:fs ENOSPC", withCode("ENOSPC: no space left on device, write", "ENOSPC", { errno: -28 }), "disk-full"],
    ["quota", withCode("Disk quota exceeded", "EDQUOT"), "disk-full"],
    ["errno only", Object.assign(new Error("write failed"), { errno: -28 }), "disk-full"],
    ["ffmpeg's stderr in a message", new Error("ffmpeg failed: /srv/x.png: No space left on device"), "disk-full"],
    ["read-only", withCode("Read-only file system (os error 30)", "EROFS"), "disk-read-only"],
    ["EIO", withCode("Input/output error (os error 5)", "EIO"), "disk-failing"],
    [
      "postgres.js closed",
      withCode("write CONNECTION_CLOSED 127.0.0.1:5432", "CONNECTION_CLOSED"),
      "database-unavailable",
    ],
    [
      "postgres.js timeout",
      withCode("write CONNECT_TIMEOUT 127.0.0.1:5432", "CONNECT_TIMEOUT"),
      "database-unavailable",
    ],
    [
      "admin shutdown",
      withCode("terminating connection due to administrator command", "57P01"),
      "database-unavailable",
    ],
    ["starting up", withCode("the database system is starting up", "57P03"), "database-unavailable"],
    ["class 08", withCode("connection failure", "08006"), "database-unavailable"],
    ["too many connections", withCode("sorry, too many clients already", "53300"), "database-unavailable"],
    ["database disk full", withCode("could not extend file", "53100"), "database-disk-full"],
    ["node-postgres", new Error("Connection terminated unexpectedly"), "database-unavailable"],
    ["refused", withCode("connect ECONNREFUSED 127.0.0.1:8188", "ECONNREFUSED"), "service-unreachable"],
    ["reset", withCode("read ECONNRESET", "ECONNRESET"), "service-unreachable"],
    ["in a cause chain", new Error("saving failed", { cause: withCode("x", "ENOSPC") }), "disk-full"],
    ["a plain string", "No space left on device", "disk-full"],
    ["a unique violation", withCode("duplicate key value violates unique constraint", "23505"), null],
    ["a syntax error", withCode("syntax error at or near", "42601"), null],
    ["file not found", withCode("No such file or directory (os error 2)", "ENOENT"), null],
    ["a bug", new TypeError("Cannot read properties of undefined"), null],
    ["nothing", undefined, null],
  ];
  for (const [name, error, kind] of cases) {
    await t.step(name, () => {
      const fault = classifyFault(error);
      assert.equal(fault?.kind ?? null, kind);
      if (fault) {
        assert.match(fault.message, /^[A-Z].*\.$/);
        assert.doesNotMatch(fault.message, /\/srv|\//, "no path in the sentence");
      }
    });
  }
});

Deno.test("classifyFault: a cause cycle ends", () => {
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.equal(classifyFault(a), null);
});

Deno.test("withoutServerPaths keeps the file name, drops the folders, leaves URLs alone", () => {
  const cases: [string, string][] = [
    ["cannot open '/srv/studio/media/a/b.png'", "cannot open '…/b.png'"],
    ["file:/tmp/x/.image.part.png: No space left", "…/.image.part.png: No space left"],
    ["see http://127.0.0.1:8188/prompt now", "see http://127.0.0.1:8188/prompt now"],
    ["no path here", "no path here"],
    ["at (/root/x.ts:12:3)", "at (…/x.ts:12:3)"],
  ];
  for (const [input, expected] of cases) assert.equal(withoutServerPaths(input), expected);
});
