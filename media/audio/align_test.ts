import assert from "node:assert/strict";
import type { WordTiming } from "../../providers/audio/types.ts";
import { alignSentences, alignSequences, timeTextTokens } from "./align.ts";

/** Timed words from "word@start-end" strings. */
function heard(spec: string): WordTiming[] {
  return spec.split(" ").filter((item) => item.length > 0).map((item) => {
    const [text, times] = item.split("@");
    const [start, end] = times.split("-").map(Number);
    return { text, startMs: start, endMs: end };
  });
}

Deno.test("align: equal, similar, missing and extra words line up", () => {
  assert.deepEqual(alignSequences(["the", "lamp", "was", "lit"], ["the", "lamp", "was", "lit"]), [0, 1, 2, 3]);
  assert.deepEqual(alignSequences(["the", "colour", "was", "red"], ["the", "color", "was", "red"]), [0, 1, 2, 3]);
  assert.deepEqual(alignSequences(["the", "lamp", "was", "lit"], ["the", "um", "lamp", "lit"]), [0, 2, undefined, 3]);
  assert.deepEqual(alignSequences(["a", "b"], []), [undefined, undefined]);
  assert.deepEqual(alignSequences([], ["a"]), []);
});

const TWO = ["The lamp was lit.", "Night fell fast."];

const sentenceCases: { name: string; sentences: string[]; words: string; total: number; want: [number, number][] }[] = [
  {
    name: "cut halfway through the pause between sentences",
    sentences: TWO,
    words: "The@100-300 lamp@300-600 was@600-800 lit.@800-1200 Night@1600-1900 fell@1900-2100 fast.@2100-2500",
    total: 2800,
    want: [[0, 1400], [1400, 2800]],
  },
  {
    name: "case, punctuation and a transcription's extra words do not matter",
    sentences: TWO,
    words:
      "the@100-300 LAMP,@300-600 uh@600-650 was@650-800 lit@800-1200 so@1300-1400 night@1600-1900 fell@1900-2100 fast@2100-2500",
    total: 2600,
    want: [[0, 1400], [1400, 2600]],
  },
  {
    name: "a missing word at the end of a sentence moves the cut to the last word heard",
    sentences: TWO,
    words: "The@100-300 lamp@300-600 was@600-800 Night@1600-1900 fell@1900-2100 fast@2100-2500",
    total: 2600,
    want: [[0, 1200], [1200, 2600]],
  },
  {
    name: "numbers written differently on each side",
    sentences: ["It cost $42 in 1999.", "Then it broke."],
    words:
      "it@0-100 cost@100-300 forty-two@300-700 dollars@700-1000 in@1000-1100 nineteen@1100-1400 ninety-nine@1400-1800 then@2000-2200 it@2200-2300 broke@2300-2600",
    total: 2700,
    want: [[0, 1900], [1900, 2700]],
  },
  {
    name: "a sentence nobody heard shares the gap between its neighbours by length",
    sentences: ["One two.", "Zebra quartz vexing.", "Three four."],
    words: "one@0-200 two@200-400 three@1000-1200 four@1200-1400",
    total: 1500,
    want: [[0, 400], [400, 1000], [1000, 1500]],
  },
  {
    name: "nothing heard at all: shares by length",
    sentences: ["Aaaa.", "Bbbbbbbbb."],
    words: "",
    total: 1500,
    want: [[0, 500], [500, 1500]],
  },
  {
    name: "one sentence takes the whole file",
    sentences: ["Only this."],
    words: "only@100-300 this@300-600",
    total: 700,
    want: [[0, 700]],
  },
];
for (const c of sentenceCases) {
  Deno.test(`align sentences: ${c.name}`, () => {
    const spans = alignSentences(c.sentences, heard(c.words), c.total);
    assert.deepEqual(spans.map((s) => [s.startMs, s.endMs]), c.want);
    const all = spans.flatMap((s) => s.words);
    assert.equal(all.length, heard(c.words).length, "every timed word lands in exactly one sentence");
  });
}

Deno.test("align sentences: words go to the sentence whose span holds them", () => {
  const spans = alignSentences(
    TWO,
    heard("The@100-300 lamp@300-600 lit@800-1200 Night@1600-1900 fast@2100-2500"),
    2600,
  );
  assert.deepEqual(spans.map((s) => s.words.map((w) => w.text)), [["The", "lamp", "lit"], ["Night", "fast"]]);
  assert.deepEqual(alignSentences([], [], 1000), []);
});

Deno.test("time text tokens: each written word gets when it is heard, numbers and skipped words included", () => {
  const text = "Dr. Smith paid $42, gladly.";
  const tokens = timeTextTokens(
    text,
    heard("doctor@100-400 smith@400-700 paid@700-900 forty@900-1100 two@1100-1300 dollars@1300-1600 gladly@1700-2000"),
  );
  assert.deepEqual(tokens.map((t) => [t.text, t.startMs, t.endMs]), [
    ["Dr", 100, 400],
    ["Smith", 400, 700],
    ["paid", 700, 900],
    ["$42", 900, 1600],
    ["gladly", 1700, 2000],
  ]);
  const skipped = timeTextTokens("one two three four", heard("one@0-100 four@700-800"));
  assert.deepEqual(skipped.map((t) => [t.startMs, t.endMs]), [[0, 100], [100, 400], [400, 700], [700, 800]]);
});
