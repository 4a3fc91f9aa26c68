import assert from "node:assert/strict";
import { clampPrompt, parseAnswer } from "./answer.ts";
import { LIMITS } from "../../core/domain/limits.ts";

const good = { notes: "Mara: grey coat.", scenes: [{ scene: 4, image: "A gull.", video: "It glides." }] };

const usable: { name: string; content: string }[] = [
  { name: "plain JSON", content: JSON.stringify(good) },
  { name: "in a code fence", content: "```json\n" + JSON.stringify(good, null, 2) + "\n```" },
  { name: "amid prose", content: `Sure! Here are the prompts:\n${JSON.stringify(good)}\nHope this helps.` },
  { name: "after a think block", content: `<think>The user wants {json}.</think>\n${JSON.stringify(good)}` },
  {
    name: "other spellings of the keys, a number as text",
    content: JSON.stringify({
      notes: "Mara: grey coat.",
      scenes: [{ id: "4", image_prompt: "A gull.", videoPrompt: "It glides." }],
    }),
  },
];
for (const c of usable) {
  Deno.test(`answer: usable — ${c.name}`, () => {
    const parsed = parseAnswer(c.content, [4]);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(parsed.notes, "Mara: grey coat.");
    assert.deepEqual([...parsed.scenes], [[4, { image: "A gull.", video: "It glides." }]]);
  });
}

Deno.test("answer: a bare list, notes as an object, extra scenes dropped, whitespace tidied", () => {
  const bare = parseAnswer(JSON.stringify([{ scene: 1, image: " A\n gull. ", video: "Glides." }, good.scenes[0]]), [1]);
  assert.ok(bare.ok);
  assert.equal(bare.notes, "");
  assert.deepEqual([...bare.scenes], [[1, { image: "A gull.", video: "Glides." }]]);
  const objectNotes = parseAnswer(JSON.stringify({ ...good, notes: { Mara: "grey coat" } }), [4]);
  assert.ok(objectNotes.ok);
  assert.equal(objectNotes.notes, '{"Mara":"grey coat"}');
});

const unusable: { name: string; content: string; numbers: number[]; reason: string }[] = [
  { name: "empty", content: "  ", numbers: [4], reason: "it was empty." },
  { name: "not JSON", content: "Scene 4: a gull glides.", numbers: [4], reason: "it is not a JSON object." },
  {
    name: "cut off",
    content: '{"notes": "x", "scenes": [{"scene": 4, "ima',
    numbers: [4],
    reason: "it is not a JSON object.",
  },
  { name: "no scenes list", content: '{"notes": "x"}', numbers: [4], reason: 'it has no "scenes" list.' },
  {
    name: "an entry without a video prompt",
    content: '{"scenes": [{"scene": 4, "image": "A gull."}]}',
    numbers: [4],
    reason: 'an entry of "scenes" is not usable: a video prompt is missing.',
  },
  {
    name: "missing scenes",
    content: JSON.stringify(good),
    numbers: [3, 4, 5, 6],
    reason: "it has no prompts for scenes 3, 5 and 6.",
  },
  {
    name: "an empty prompt",
    content: '{"scenes": [{"scene": 4, "image": "A gull.", "video": "  "}]}',
    numbers: [4],
    reason: "scene 4 has an empty video prompt.",
  },
];
for (const c of unusable) {
  Deno.test(`answer: unusable — ${c.name}`, () => {
    assert.deepEqual(parseAnswer(c.content, c.numbers), { ok: false, reason: c.reason });
  });
}

Deno.test("answer: prompts are cut to the limit at a word", () => {
  const long = "word ".repeat(LIMITS.promptChars);
  const clamped = clampPrompt(long);
  assert.ok(clamped.length <= LIMITS.promptChars, `length ${clamped.length}`);
  assert.match(clamped, /word…$/);
  assert.equal(clampPrompt("x".repeat(LIMITS.promptChars + 5)).length, LIMITS.promptChars);
  const parsed = parseAnswer(JSON.stringify({ scenes: [{ scene: 1, image: long, video: long }] }), [1]);
  assert.ok(parsed.ok);
  assert.ok(parsed.scenes.get(1)!.image.length <= LIMITS.promptChars);
});
