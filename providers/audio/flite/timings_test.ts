import assert from "node:assert/strict";
import { parseSegments, parseWords, phoneCountsPerWord, wordTimings } from "./timings.ts";

Deno.test("flite timings: -psdur output parses into phones with end times in ms", () => {
  assert.deepEqual(parseSegments("pau:0.184 dh:0.251 ax:0.293 \n"), [
    { phone: "pau", endMs: 184 },
    { phone: "dh", endMs: 251 },
    { phone: "ax", endMs: 293 },
  ]);
  assert.deepEqual(parseSegments(""), []);
});

Deno.test("flite timings: -pw output drops symbols and joins clitics to their word", () => {
  assert.deepEqual(
    parseWords("doctor smith paid forty two dollars \ufffd \ufffd it 's the keeper 's lamp \n"),
    ["doctor", "smith", "paid", "forty", "two", "dollars", "it's", "the", "keeper's", "lamp"],
  );
  assert.deepEqual(parseWords("'s alone"), ["'s", "alone"]);
});

Deno.test("flite timings: phones between pauses count per word", () => {
  assert.deepEqual(phoneCountsPerWord(parseSegments("pau:0.1 dh:0.2 ax:0.3 pau:0.5 ow:0.6 l:0.7 d:0.8 pau:0.9")), [
    2,
    3,
  ]);
  assert.deepEqual(phoneCountsPerWord(parseSegments("dh:0.2 ax:0.3")), [2]);
});

const SENTENCE = parseSegments("pau:0.2 dh:0.25 ax:0.3 l:0.4 ae:0.5 m:0.55 p:0.6 pau:0.8 ow:0.9 n:1.0 pau:1.2");

const cases: { name: string; words: string[]; counts?: number[]; want: [string, number, number][] }[] = [
  {
    name: "exact counts: words start where their first phone starts, pauses belong to no word",
    words: ["the", "lamp", "on"],
    counts: [2, 4, 2],
    want: [["the", 200, 300], ["lamp", 300, 600], ["on", 800, 1000]],
  },
  {
    name: "counts that do not add up fall back to letter proportions",
    words: ["the", "lamp", "on"],
    counts: [2, 5, 2],
    want: [["the", 200, 400], ["lamp", 400, 600], ["on", 800, 1000]],
  },
  {
    name: "no counts: letter proportions, every word gets a phone",
    words: ["a", "lamp", "on"],
    want: [["a", 200, 250], ["lamp", 250, 600], ["on", 800, 1000]],
  },
  {
    name: "more words than phones: the extra words get an instant",
    words: ["a", "b", "c", "d", "e", "f", "g", "h"],
    want: [
      ["a", 200, 250],
      ["b", 250, 300],
      ["c", 300, 400],
      ["d", 400, 500],
      ["e", 500, 550],
      ["f", 550, 600],
      ["g", 800, 900],
      ["h", 900, 1000],
    ],
  },
];
for (const c of cases) {
  Deno.test(`flite timings: ${c.name}`, () => {
    const got = wordTimings(c.words, SENTENCE, c.counts).map((w) => [w.text, w.startMs, w.endMs]);
    assert.deepEqual(got, c.want);
  });
}

Deno.test("flite timings: no words or no phones give no timings", () => {
  assert.deepEqual(wordTimings([], SENTENCE), []);
  assert.deepEqual(wordTimings(["a"], parseSegments("pau:0.5")), []);
});
