import assert from "node:assert/strict";
import { scriptExcerpt } from "./script_excerpt.ts";
import type { ScriptContext } from "./types.ts";

/** Sections of sentences "S<n>." with ids 100 + n and numbers n. */
function script(...sizes: number[]): ScriptContext {
  let n = 0;
  return {
    title: "T",
    aspectRatio: "16:9",
    sections: sizes.map((size, i) => ({
      title: i === 1 ? null : `Part ${i + 1}`,
      sentences: Array.from({ length: size }, () => {
        n++;
        return { id: 100 + n, number: n, text: `S${n}.` };
      }),
    })),
  };
}

const cases: { name: string; sizes: number[]; batch: number[]; budget: number; want: string }[] = [
  {
    name: "the whole script when it fits, with section headings (untitled: its number)",
    sizes: [2, 2],
    batch: [103],
    budget: 1000,
    want: "## Part 1\n[1] S1.\n[2] S2.\n## Section 2\n[3] S3.\n[4] S4.",
  },
  {
    name: "a window widened on both sides in turn, the cuts marked",
    sizes: [9],
    batch: [105],
    budget: 3 * 8,
    want: "[…]\n## Part 1\n[4] S4.\n[5] S5.\n[6] S6.\n[…]",
  },
  {
    name: "at the start the window grows forward only",
    sizes: [9],
    batch: [101],
    budget: 3 * 8,
    want: "## Part 1\n[1] S1.\n[2] S2.\n[3] S3.\n[…]",
  },
  {
    name: "the batch is always there, even over budget",
    sizes: [5],
    batch: [102, 103, 104],
    budget: 1,
    want: "[…]\n## Part 1\n[2] S2.\n[3] S3.\n[4] S4.\n[…]",
  },
  { name: "no budget, no excerpt", sizes: [3], batch: [101], budget: 0, want: "" },
  { name: "unknown ids, no excerpt", sizes: [3], batch: [999], budget: 100, want: "" },
];
for (const c of cases) {
  Deno.test(`script excerpt: ${c.name}`, () => {
    assert.equal(scriptExcerpt(script(...c.sizes), c.batch, c.budget), c.want);
  });
}

Deno.test("script excerpt: a very long sentence is cut", () => {
  const long: ScriptContext = {
    title: "T",
    aspectRatio: "16:9",
    sections: [{ title: null, sentences: [{ id: 1, number: 1, text: "word ".repeat(500) }] }],
  };
  const excerpt = scriptExcerpt(long, [1], 100_000);
  assert.ok(excerpt.length < 1100, `length ${excerpt.length}`);
  assert.ok(excerpt.endsWith("…"));
});
