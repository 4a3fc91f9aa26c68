// The openai prompt writer against a fake OpenAI-compatible chat server (real HTTP on 127.0.0.1).
import assert from "node:assert/strict";
import { createOpenAiPromptWriter } from "./openai.ts";
import { type PromptBatchRequest, ProviderError, type ScriptContext } from "./types.ts";
import type { ChatServerSettings } from "./settings.ts";
import { LIMITS } from "../../core/domain/limits.ts";
import { type FakeChatServer, goodAnswer, startFakeChatServer } from "../../tests/fakes/openai_chat.ts";

const script: ScriptContext = {
  title: "The Lighthouse Keeper",
  aspectRatio: "9:16",
  sections: [
    {
      title: "Dusk",
      sentences: [
        { id: 11, number: 1, text: "Mara climbs the tower." },
        { id: 12, number: 2, text: "She lights the lamp." },
      ],
    },
    {
      title: "The storm",
      sentences: [
        { id: 13, number: 3, text: "Waves break on the rocks." },
        { id: 14, number: 4, text: "A boat fights the swell." },
      ],
    },
  ],
};

async function withFake(fn: (fake: FakeChatServer, settings: ChatServerSettings) => Promise<void>) {
  const fake = startFakeChatServer({ apiKey: "sk-test" });
  try {
    await fn(fake, {
      url: fake.url,
      model: "fake-llm",
      apiKey: "sk-test",
      timeoutMs: 5000,
      batchSize: 10,
      contextChars: 8000,
    });
  } finally {
    await fake.close();
  }
}

const request = (ids: number[], extra: Partial<PromptBatchRequest> = {}): PromptBatchRequest => ({
  script,
  scenes: ids.map((sentenceId) => ({ sentenceId })),
  notes: "",
  signal: new AbortController().signal,
  ...extra,
});

const userMessage = (fake: FakeChatServer, call: number) =>
  fake.calls[call].body.messages!.filter((m) => m.role === "user").at(-1)!.content;

Deno.test("openai writer: one request with the task, the script's context and the batch; prompts by scene", () =>
  withFake(async (fake, settings) => {
    const result = await createOpenAiPromptWriter(settings).writeBatch(request([12, 13]));
    assert.equal(fake.calls.length, 1);
    const call = fake.calls[0];
    assert.equal(call.authorization, "Bearer sk-test");
    assert.equal(call.body.model, "fake-llm");
    assert.deepEqual(call.body.response_format, { type: "json_object" });
    assert.equal(call.body.stream, false);
    assert.deepEqual(call.body.messages!.map((m) => m.role), ["system", "user"]);
    assert.match(call.body.messages![0].content, /Wan 2\.2/);
    assert.match(
      call.body.messages![0].content,
      /"notes": "…", "scenes": \[\{"scene": 1, "image": "…", "video": "…"\}\]/,
    );
    const user = userMessage(fake, 0);
    assert.match(user, /^Script: "The Lighthouse Keeper" — 4 scenes in 2 sections\. Frame: 9:16, portrait/);
    assert.match(user, /Notes so far:\n\(none yet/);
    assert.match(user, /## Dusk\n\[1\] Mara climbs the tower\.\n\[2\] She lights the lamp\.\n## The storm\n\[3\]/);
    assert.deepEqual(call.scenes, [
      { scene: 2, text: "She lights the lamp." },
      { scene: 3, text: "Waves break on the rocks." },
    ]);
    assert.deepEqual(result, {
      notes: "Notes after call 1",
      prompts: [
        {
          sentenceId: 12,
          imagePrompt: "Image 2: She lights the lamp.",
          videoPrompt: "Camera pushes in slowly on scene 2.",
        },
        {
          sentenceId: 13,
          imagePrompt: "Image 3: Waves break on the rocks.",
          videoPrompt: "Camera pushes in slowly on scene 3.",
        },
      ],
    });
  }));

Deno.test("openai writer: the notes carry over; the creator's image prompt is sent and kept", () =>
  withFake(async (fake, settings) => {
    const writer = createOpenAiPromptWriter(settings);
    const first = await writer.writeBatch(request([11]));
    // The model "improves" the creator's prompt: the writer keeps the creator's.
    fake.script({
      content: JSON.stringify({
        notes: "Mara: red scarf.",
        scenes: [{ scene: 2, image: "Something else entirely.", video: "The flame flickers." }],
      }),
    });
    const second = await writer.writeBatch({
      ...request([]),
      scenes: [{ sentenceId: 12, fixedImagePrompt: "A brass lamp, oil painting." }],
      notes: first.notes,
    });
    assert.match(userMessage(fake, 1), /Notes so far:\nNotes after call 1\n/);
    assert.deepEqual(fake.calls[1].scenes, [
      { scene: 2, text: "She lights the lamp.", image: "A brass lamp, oil painting." },
    ]);
    assert.deepEqual(second, {
      notes: "Mara: red scarf.",
      prompts: [{ sentenceId: 12, imagePrompt: "A brass lamp, oil painting.", videoPrompt: "The flame flickers." }],
    });
  }));

Deno.test("openai writer: an unusable answer is sent back once with what was wrong", () =>
  withFake(async (fake, settings) => {
    fake.script({ content: "Here you go: scene 1 is a woman on stairs." });
    const result = await createOpenAiPromptWriter(settings).writeBatch(request([11]));
    assert.equal(fake.calls.length, 2);
    const retry = fake.calls[1].body.messages!;
    assert.deepEqual(retry.map((m) => m.role), ["system", "user", "assistant", "user"]);
    assert.equal(retry[2].content, "Here you go: scene 1 is a woman on stairs.");
    assert.match(
      retry[3].content,
      /^That answer could not be used: it is not a JSON object\. Answer again .* scenes 1\.$/,
    );
    assert.equal(result.prompts[0].imagePrompt, "Image 1: Mara climbs the tower.");
  }));

Deno.test("openai writer: unusable twice is a permanent error naming the model and what was wrong", () =>
  withFake(async (fake, settings) => {
    fake.script({ content: "{}" }, { content: '{"scenes": [{"scene": 1, "image": "Stairs."}]}' });
    await assert.rejects(createOpenAiPromptWriter(settings).writeBatch(request([11])), (e: Error) => {
      assert.ok(e instanceof ProviderError && !e.transient);
      assert.equal(
        e.message,
        `The model fake-llm on the prompt writer's chat server at ${
          new URL(fake.url).host
        } twice gave an answer that could not be used (the second time: an entry of "scenes" is not usable: a video prompt is missing). Try again, or set PROMPT_MODEL to a larger, instruction-tuned model.`,
      );
      return true;
    });
    assert.equal(fake.calls.length, 2);
  }));

Deno.test("openai writer: an answer cut off at the output limit splits the batch in two", () =>
  withFake(async (fake, settings) => {
    fake.script({ content: '{"notes": "N", "scenes": [{"scene": 1, "image": "Sta', finishReason: "length" });
    const result = await createOpenAiPromptWriter(settings).writeBatch(request([11, 12, 13, 14]));
    assert.deepEqual(fake.calls.map((c) => c.scenes.map((s) => s.scene)), [[1, 2, 3, 4], [1, 2], [3, 4]]);
    assert.match(userMessage(fake, 2), /Notes so far:\nNotes after call 2\n/, "the first half's notes go on");
    assert.equal(result.notes, "Notes after call 3");
    assert.deepEqual(result.prompts.map((p) => p.sentenceId), [11, 12, 13, 14]);
  }));

Deno.test("openai writer: cut off even for one scene says to raise the server's output limit", () =>
  withFake(async (fake, settings) => {
    fake.script({ content: '{"scenes": [', finishReason: "length" }, {
      content: '{"scenes": [',
      finishReason: "length",
    });
    await assert.rejects(
      createOpenAiPromptWriter(settings).writeBatch(request([11])),
      (e: Error) =>
        e instanceof ProviderError && !e.transient &&
        /stopped at the server's output limit.*max_tokens/.test(e.message),
    );
  }));

Deno.test("openai writer: a server without JSON mode is asked without it, from then on", () =>
  withFake(async (fake, settings) => {
    fake.rejectResponseFormat = true;
    const writer = createOpenAiPromptWriter(settings);
    await writer.writeBatch(request([11]));
    await writer.writeBatch(request([12]));
    assert.deepEqual(fake.calls.map((c) => c.body.response_format ?? null), [{ type: "json_object" }, null, null]);
  }));

Deno.test("openai writer: prompts longer than the limit are cut", () =>
  withFake(async (fake, settings) => {
    const long = "a very long prompt ".repeat(300);
    fake.script({ content: JSON.stringify({ notes: "", scenes: [{ scene: 1, image: long, video: long }] }) });
    const { prompts } = await createOpenAiPromptWriter(settings).writeBatch(request([11]));
    assert.ok(prompts[0].imagePrompt.length <= LIMITS.promptChars);
    assert.ok(prompts[0].videoPrompt.length <= LIMITS.promptChars);
    assert.ok(prompts[0].imagePrompt.endsWith("…"));
    assert.ok(long.startsWith(`${prompts[0].imagePrompt.slice(0, -1)} `), "cut at a word");
  }));

const failures: {
  name: string;
  setup: (fake: FakeChatServer, settings: ChatServerSettings) => Partial<ChatServerSettings>;
  transient: boolean;
  pattern: RegExp;
}[] = [
  {
    name: "a wrong key",
    setup: () => ({ apiKey: "sk-wrong" }),
    transient: false,
    pattern: /refused the API key \(HTTP 401: Incorrect API key provided\.\)\. Set PROMPT_API_KEY/,
  },
  {
    name: "an unknown model",
    setup: () => ({ model: "llama9" }),
    transient: false,
    pattern: /answered "not found" \(HTTP 404: model 'llama9' not found, try pulling it first\)\..*PROMPT_MODEL/,
  },
  {
    name: "a rate limit",
    setup: (fake) => (fake.script({ status: 429, message: "Rate limit reached." }), {}),
    transient: true,
    pattern: /busy or over its rate limit \(HTTP 429: Rate limit reached\.\)/,
  },
  {
    name: "a server error",
    setup: (fake) => (fake.script({ status: 500, message: "CUDA error" }), {}),
    transient: true,
    pattern: /failed \(HTTP 500: CUDA error\); it will be tried again/,
  },
  {
    name: "not a chat server",
    setup: (fake) => (fake.script({ raw: "<html>It works!</html>" }), {}),
    transient: false,
    pattern: /did not answer like an OpenAI-compatible chat server .*PROMPT_API_URL/,
  },
  {
    name: "a slow answer",
    setup: (fake) => (fake.script({ content: "{}", delayMs: 3000 }), { timeoutMs: 200 }),
    transient: true,
    pattern: /did not answer within 0\.2 s; it will be tried again/,
  },
  {
    name: "nothing listening",
    setup: () => ({ url: "http://127.0.0.1:9/v1" }),
    transient: true,
    pattern: /at 127\.0\.0\.1:9 could not be reached .*PROMPT_API_URL/,
  },
];
for (const f of failures) {
  Deno.test(`openai writer: ${f.name} is a ${f.transient ? "transient" : "permanent"} error a creator can read`, () =>
    withFake(async (fake, settings) => {
      const writer = createOpenAiPromptWriter({ ...settings, ...f.setup(fake, settings) });
      await assert.rejects(writer.writeBatch(request([11])), (e: Error) => {
        assert.ok(e instanceof ProviderError, String(e));
        assert.equal(e.transient, f.transient);
        assert.match(e.message, f.pattern);
        assert.match(e.message, /^The prompt writer's chat server at 127\.0\.0\.1:\d+ /);
        assert.doesNotMatch(e.message, /sk-/);
        return true;
      });
    }));
}

Deno.test("openai writer: cancelling stops the request at once", () =>
  withFake(async (fake, settings) => {
    const held = fake.hold();
    const controller = new AbortController();
    const writing = createOpenAiPromptWriter(settings).writeBatch(request([11], { signal: controller.signal }));
    await held.arrived;
    const started = performance.now();
    controller.abort(new Error("The creator cancelled."));
    await assert.rejects(writing, /The creator cancelled\./);
    assert.ok(performance.now() - started < 1000);
    assert.equal(fake.calls.length, 1, "no retry after a cancel");
  }));

Deno.test("fake chat server: its good answer follows the scenes asked for", () => {
  assert.deepEqual(JSON.parse(goodAnswer([{ scene: 3, text: "Waves.", image: "Fixed." }], 2)), {
    notes: "Notes after call 2",
    scenes: [{ scene: 3, image: "Fixed.", video: "Camera pushes in slowly on scene 3." }],
  });
});
