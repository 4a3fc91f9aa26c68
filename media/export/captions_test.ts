import assert from "node:assert/strict";
import { chunkText, formatTimestamp, sceneCues, toSrt, toVtt } from "./captions.ts";

Deno.test("captions: timestamps in both formats", () => {
  assert.equal(formatTimestamp(0, ","), "00:00:00,000");
  assert.equal(formatTimestamp(3723456, ","), "01:02:03,456");
  assert.equal(formatTimestamp(59999.6, "."), "00:01:00.000");
});

Deno.test("captions: text wraps at 42 characters into cues of at most two lines", () => {
  assert.deepEqual(chunkText("Short."), [{ offset: 0, lines: ["Short."] }]);
  const chunks = chunkText("a ".repeat(60).trim());
  assert.deepEqual(chunks.map((c) => c.lines.map((l) => l.length)), [[41, 41], [35]]);
  assert.deepEqual(chunkText("x".repeat(50)).map((c) => c.lines), [["x".repeat(50)]], "a long word stays whole");
});

Deno.test("captions: without word timings, cues share the scene by length and fill it", () => {
  const cues = sceneCues("a ".repeat(60).trim(), 1000, 3000);
  assert.deepEqual(cues.map((c) => [c.startMs, c.endMs]), [[1000, 3118], [3118, 4000]]);
  assert.deepEqual(sceneCues("  ", 0, 1000), []);
  assert.deepEqual(sceneCues("Text.", 0, 0), []);
});

Deno.test("captions: SubRip and WebVTT escape what would break them", () => {
  const cues = [{ startMs: 0, endMs: 1500, text: "Tom & Jerry <3 --> the end\n\nsecond line" }];
  assert.equal(toSrt(cues), "1\n00:00:00,000 --> 00:00:01,500\nTom & Jerry <3 -> the end\nsecond line\n");
  assert.equal(
    toVtt(cues),
    "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nTom &amp; Jerry &lt;3 --&gt; the end\nsecond line\n",
  );
  assert.equal(toSrt([]), "");
  assert.equal(toVtt([]), "WEBVTT\n\n");
});
