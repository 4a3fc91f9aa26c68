import assert from "node:assert/strict";
import { LIMITS } from "./limits.ts";
import { writeVideoPrompt } from "./video_prompt.ts";

Deno.test("the video prompt describes camera and motion from the image prompt and sentence", () => {
  const prompt = writeVideoPrompt({
    imagePrompt: "A white lighthouse on a rocky island at dusk",
    sentence: "Gulls circle the tower as the sun sinks into the sea.",
  });
  assert.match(prompt, /^(Slow|Gentle|Subtle)[^.]*\. A white lighthouse on a rocky island at dusk\. Motion: /);
  assert.match(prompt, /birds gliding/);
  assert.match(prompt, /water moving/);
  assert.equal(
    prompt,
    writeVideoPrompt({
      imagePrompt: "A white lighthouse on a rocky island at dusk",
      sentence: "Gulls circle the tower as the sun sinks into the sea.",
    }),
    "deterministic",
  );
});

Deno.test("the video prompt drops request markers, falls back to the sentence, and stays within the limit", () => {
  assert.doesNotMatch(writeVideoPrompt({ imagePrompt: "[fail] [FLAKY] a boat [slow]", sentence: "x" }), /\[/);
  assert.match(writeVideoPrompt({ imagePrompt: "  ", sentence: "She smiles." }), /She smiles\./);
  assert.match(writeVideoPrompt({ imagePrompt: "", sentence: "Nothing moves" }), /subtle, natural movement/);
  const long = writeVideoPrompt({ imagePrompt: "word ".repeat(1000), sentence: "y" });
  assert.ok(long.length <= LIMITS.promptChars);
});
