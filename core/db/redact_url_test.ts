import assert from "node:assert/strict";
import { redactPasswordIn, redactUrl } from "./redact_url.ts";

Deno.test("redactUrl hides the password and keeps the rest", () => {
  const cases: [string, string][] = [
    ["postgres://studio:s3cret@db:5432/studio", "postgres://studio:****@db:5432/studio"],
    ["postgresql://u:p%40ss@h/db?sslmode=require", "postgresql://u:****@h/db?sslmode=require"],
    ["postgres://u:p@ss@h/db", "postgres://u:****@h/db"],
    ["postgres://u:pa ss:wo rd@h:notaport/db", "postgres://u:****@h:notaport/db"],
    ["postgres://user@h/db", "postgres://user@h/db"],
    ["postgres://h/db", "postgres://h/db"],
    ["not a url at all", "not a url at all"],
  ];
  for (const [url, shown] of cases) assert.equal(redactUrl(url), shown, url);
});

Deno.test("redactPasswordIn removes the password, raw or encoded, from any message", () => {
  const url = "postgres://u:p%40ss%20w@h/db";
  assert.equal(redactPasswordIn("bad p@ss w and p%40ss%20w", url), "bad **** and ****");
  assert.equal(redactPasswordIn("nothing to hide", "postgres://u@h/db"), "nothing to hide");
});
