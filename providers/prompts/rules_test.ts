import assert from "node:assert/strict";
import { createRulesPromptWriter } from "./rules.ts";
import { writeVideoPrompt } from "../../core/domain/video_prompt.ts";
import type { ScriptContext } from "./types.ts";

const script: ScriptContext = {
  title: "The Lighthouse Keeper",
  aspectRatio: "16:9",
  sections: [{
    title: null,
    sentences: [
      { id: 7, number: 1, text: "The storm rolled in over the sea." },
      { id: 8, number: 2, text: "Mara lit the lamp." },
    ],
  }],
};

Deno.test("rules writer: the sentence as image prompt, the motion rule as video prompt, offline", async () => {
  const writer = createRulesPromptWriter();
  const result = await writer.writeBatch({
    script,
    scenes: [{ sentenceId: 7 }, { sentenceId: 8, fixedImagePrompt: "A lantern in a dark room, oil painting." }],
    notes: "",
    signal: new AbortController().signal,
  });
  assert.deepEqual(result, {
    notes: "",
    prompts: [
      {
        sentenceId: 7,
        imagePrompt: "The storm rolled in over the sea.",
        videoPrompt: writeVideoPrompt({
          imagePrompt: "The storm rolled in over the sea.",
          sentence: "The storm rolled in over the sea.",
        }),
      },
      {
        sentenceId: 8,
        imagePrompt: "A lantern in a dark room, oil painting.",
        videoPrompt: writeVideoPrompt({
          imagePrompt: "A lantern in a dark room, oil painting.",
          sentence: "Mara lit the lamp.",
        }),
      },
    ],
  });
  assert.match(result.prompts[0].videoPrompt, /storm clouds churning/);
});

Deno.test("rules writer: an aborted request is refused", async () => {
  const controller = new AbortController();
  controller.abort(new Error("cancelled"));
  await assert.rejects(
    createRulesPromptWriter().writeBatch({ script, scenes: [{ sentenceId: 7 }], notes: "", signal: controller.signal }),
    /cancelled/,
  );
});
