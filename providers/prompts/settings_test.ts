import assert from "node:assert/strict";
import { loadPromptSettings, PromptSettingsError } from "./settings.ts";

Deno.test("prompt settings: rules by default, whatever else is set", () => {
  assert.deepEqual(loadPromptSettings({}), { provider: "rules" });
  assert.deepEqual(loadPromptSettings({ PROMPT_PROVIDER: "", PROMPT_MODEL: "x" }), { provider: "rules" });
});

Deno.test("prompt settings: openai with its server, defaults for the rest", () => {
  assert.deepEqual(
    loadPromptSettings({
      PROMPT_PROVIDER: "openai",
      PROMPT_API_URL: "http://127.0.0.1:11434/v1",
      PROMPT_MODEL: "qwen2.5:7b-instruct",
      PROMPT_API_KEY: "",
    }),
    {
      provider: "openai",
      chat: {
        url: "http://127.0.0.1:11434/v1",
        model: "qwen2.5:7b-instruct",
        apiKey: undefined,
        timeoutMs: 180_000,
        batchSize: 10,
        contextChars: 8000,
      },
    },
  );
  const tuned = loadPromptSettings({
    PROMPT_PROVIDER: "openai",
    PROMPT_API_URL: "https://llm.example.test/v1",
    PROMPT_MODEL: "m",
    PROMPT_API_KEY: "sk-1",
    PROMPT_TIMEOUT_S: "30",
    PROMPT_BATCH_SIZE: "20",
    PROMPT_CONTEXT_CHARS: "0",
  });
  assert.deepEqual(tuned.chat, {
    url: "https://llm.example.test/v1",
    model: "m",
    apiKey: "sk-1",
    timeoutMs: 30_000,
    batchSize: 20,
    contextChars: 0,
  });
});

const bad: [Record<string, string>, RegExp][] = [
  [{ PROMPT_PROVIDER: "gpt" }, /^The environment variable PROMPT_PROVIDER="gpt" is not valid: /],
  [
    { PROMPT_PROVIDER: "openai", PROMPT_MODEL: "m" },
    /^The environment variable PROMPT_API_URL is not set, but PROMPT_PROVIDER=openai needs it/,
  ],
  [
    { PROMPT_PROVIDER: "openai", PROMPT_API_URL: "http://127.0.0.1:1/v1" },
    /^The environment variable PROMPT_MODEL is not set/,
  ],
  [{ PROMPT_API_URL: "ftp://x" }, /^The environment variable PROMPT_API_URL="ftp:\/\/x" is not valid: must be an http/],
  [{ PROMPT_TIMEOUT_S: "0" }, /^The environment variable PROMPT_TIMEOUT_S="0" is not valid/],
  [{ PROMPT_BATCH_SIZE: "51" }, /^The environment variable PROMPT_BATCH_SIZE="51" is not valid/],
  [{ PROMPT_CONTEXT_CHARS: "lots" }, /^The environment variable PROMPT_CONTEXT_CHARS="lots" is not valid/],
];
for (const [env, pattern] of bad) {
  Deno.test(`prompt settings: ${JSON.stringify(env)} is refused in one sentence`, () => {
    assert.throws(
      () => loadPromptSettings(env),
      (e: Error) => e instanceof PromptSettingsError && pattern.test(e.message),
    );
  });
}
