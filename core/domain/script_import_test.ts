import assert from "node:assert/strict";
import { MAX_SENTENCE_CHARS, splitScript, splitSentences } from "./script_import.ts";

Deno.test("headings start sections and blank lines only separate paragraphs", () => {
  const sections = splitScript("# Intro\nFirst one. Second one.\n\nThird one.\n## Body\nFourth!\n");
  assert.deepEqual(sections, [
    { title: "Intro", sentences: ["First one.", "Second one.", "Third one."] },
    { title: "Body", sentences: ["Fourth!"] },
  ]);
});

Deno.test("without headings, blank lines separate sections", () => {
  const sections = splitScript("One. Two.\r\n\r\n\r\nThree?\n\nFour");
  assert.deepEqual(sections.map((s) => s.sentences), [["One.", "Two."], ["Three?"], ["Four"]]);
  assert.ok(sections.every((s) => s.title === null));
});

Deno.test("text before the first heading is its own untitled section; empty headings vanish", () => {
  const sections = splitScript("Opening line.\n# Empty\n\n# Real\nContent here.");
  assert.deepEqual(sections, [
    { title: null, sentences: ["Opening line."] },
    { title: "Real", sentences: ["Content here."] },
  ]);
});

Deno.test("abbreviations, initials and decimals stay inside their sentence", () => {
  assert.deepEqual(
    splitSentences("Dr. Smith paid $3.50 for it. Mr. and Mrs. Jones left at 5 p.m. today. J. R. R. Tolkien wrote it."),
    ["Dr. Smith paid $3.50 for it.", "Mr. and Mrs. Jones left at 5 p.m. today.", "J. R. R. Tolkien wrote it."],
  );
  assert.deepEqual(splitSentences("Use tools, e.g. a hammer. Then rest."), ["Use tools, e.g. a hammer.", "Then rest."]);
  assert.deepEqual(splitSentences("Pi is 3.14159 roughly. Version 2.0.1 shipped."), [
    "Pi is 3.14159 roughly.",
    "Version 2.0.1 shipped.",
  ]);
});

Deno.test("quotes, ellipses and question marks", () => {
  assert.deepEqual(splitSentences(`"Really?" she asked. Wait... what happened next? "Go!" He ran.`), [
    `"Really?" she asked.`,
    "Wait... what happened next?",
    `"Go!"`,
    "He ran.",
  ]);
  assert.deepEqual(splitSentences("He said “stop.” Then he left."), ["He said “stop.”", "Then he left."]);
});

Deno.test("non-English letters and scripts", () => {
  assert.deepEqual(splitSentences("Ça va très bien. Übermorgen regnet es! ¿Dónde está?"), [
    "Ça va très bien.",
    "Übermorgen regnet es!",
    "¿Dónde está?",
  ]);
  assert.deepEqual(splitSentences("東京は大きい。大阪も大きい。"), ["東京は大きい。", "大阪も大きい。"]);
  assert.deepEqual(splitSentences("Привет. Как дела?"), ["Привет.", "Как дела?"]);
});

Deno.test("a very long paragraph without punctuation is cut at spaces into usable scenes", () => {
  const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(" ");
  const sentences = splitSentences(words);
  assert.ok(sentences.length > 1);
  assert.ok(sentences.every((s) => s.length <= MAX_SENTENCE_CHARS));
  assert.equal(sentences.join(" "), words);
});

Deno.test("a long paragraph of many sentences keeps them all", () => {
  const paragraph = Array.from({ length: 500 }, (_, i) => `Sentence number ${i + 1} is here.`).join(" ");
  const sentences = splitSentences(paragraph);
  assert.equal(sentences.length, 500);
  assert.equal(sentences[499], "Sentence number 500 is here.");
});

Deno.test("whitespace-only scripts have no sections", () => {
  assert.deepEqual(splitScript("  \n\n\t\n"), []);
});

Deno.test("a bare # is a section break, and a [marker] after a full stop starts a sentence", () => {
  assert.deepEqual(splitScript("# Intro\nOne.\n#\nTwo.\n# \nThree."), [
    { title: "Intro", sentences: ["One."] },
    { title: null, sentences: ["Two."] },
    { title: null, sentences: ["Three."] },
  ]);
  assert.deepEqual(splitSentences("Scene 2 is fine. [fail] scene 3 breaks. [slow] Scene 4."), [
    "Scene 2 is fine.",
    "[fail] scene 3 breaks.",
    "[slow] Scene 4.",
  ]);
  assert.deepEqual(splitSentences("See [1] for details. Then go."), ["See [1] for details.", "Then go."]);
});
