import assert from "node:assert/strict";
import { spokenWords, tokenizeText } from "./spoken_words.ts";

const cases: [string, string[]][] = [
  ["Lamp", ["lamp"]],
  ["It’s", ["its"]],
  ["keeper's", ["keepers"]],
  ["Café", ["cafe"]],
  ["42", ["forty", "two"]],
  ["$42", ["forty", "two", "dollars"]],
  ["€5", ["five", "euros"]],
  ["10%", ["ten", "percent"]],
  ["1,000", ["one", "thousand"]],
  ["1999", ["nineteen", "ninety", "nine"]],
  ["1905", ["nineteen", "oh", "five"]],
  ["1900", ["nineteen", "hundred"]],
  ["2005", ["two", "thousand", "five"]],
  ["2024", ["twenty", "twenty", "four"]],
  ["3000", ["three", "thousand"]],
  ["342", ["three", "hundred", "forty", "two"]],
  ["1234567", ["one", "million", "two", "hundred", "thirty", "four", "thousand", "five", "hundred", "sixty", "seven"]],
  ["3rd", ["third"]],
  ["21st", ["twenty", "first"]],
  ["40th", ["fortieth"]],
  ["12th", ["twelfth"]],
  ["3.5", ["three", "point", "five"]],
  ["Dr", ["doctor"]],
  ["well-known", ["well", "known"]],
  ["B-52", ["b", "fifty", "two"]],
  ["—", []],
];
for (const [token, want] of cases) {
  Deno.test(`spoken words: ${JSON.stringify(token)} → ${want.join(" ") || "(nothing)"}`, () => {
    assert.deepEqual(spokenWords(token), want);
  });
}

Deno.test("spoken words: tokens keep their offsets and leave punctuation out", () => {
  const text = "Dr. Smith paid $42 — it's 10% off, in 1,999.5 ways!";
  const tokens = tokenizeText(text);
  assert.deepEqual(tokens.map((t) => t.text), [
    "Dr",
    "Smith",
    "paid",
    "$42",
    "it's",
    "10%",
    "off",
    "in",
    "1,999.5",
    "ways",
  ]);
  for (const t of tokens) assert.equal(text.slice(t.start, t.end), t.text);
});
