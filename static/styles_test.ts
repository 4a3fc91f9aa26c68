import assert from "node:assert/strict";

/**
 * The stylesheet is plain CSS, one rule after another. A brace lost in a merge does not break it
 * loudly: browsers with CSS nesting read every later rule as nested inside the unclosed one, so they
 * silently stop applying (a phone's pinned bar showed at the top of the page that way).
 */
Deno.test("styles.css: every rule is closed, and only @-rules hold other rules", async () => {
  const css = (await Deno.readTextFile(new URL("./styles.css", import.meta.url)))
    .replace(/\/\*[\s\S]*?\*\//g, "");
  const open: string[] = [];
  const nested: string[] = [];
  let start = 0;
  for (let i = 0; i < css.length; i++) {
    if (css[i] === "{") {
      const selector = css.slice(start, i).trim().split(/[;}]/).at(-1)!.trim();
      if (open.length > 0 && !open.at(-1)!.startsWith("@")) nested.push(`${selector} (in ${open.at(-1)})`);
      open.push(selector);
      start = i + 1;
    } else if (css[i] === "}") {
      open.pop();
      start = i + 1;
    }
  }
  assert.deepEqual(nested, [], "a rule sits inside another rule: a closing brace is missing before it");
  assert.deepEqual(open, [], "rules left open at the end of the file");
});
