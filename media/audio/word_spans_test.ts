import assert from "node:assert/strict";
import { wordSpans } from "./word_spans.ts";

const w = (text: string, startMs: number, endMs: number) => ({ text, startMs, endMs });

Deno.test("word spans: written words get the times of the words heard, as offsets into the text", () => {
  const text = "It cost $42, Dr. Hale said.";
  const spans = wordSpans(text, [
    w("it", 100, 200),
    w("cost", 200, 500),
    w("forty", 500, 800),
    w("two", 800, 1000),
    w("dollars", 1000, 1400),
    w("doctor", 1500, 1900),
    w("hale", 1900, 2200),
    w("said", 2200, 2600),
  ]);
  const words = [];
  for (let i = 0; i < spans.length; i += 4) words.push([text.slice(spans[i], spans[i + 1]), spans[i + 2]]);
  assert.deepEqual(words, [["It", 100], ["cost", 200], ["$42", 500], ["Dr", 1500], ["Hale", 1900], ["said", 2200]]);
  assert.deepEqual(wordSpans(text, []), []);
});
