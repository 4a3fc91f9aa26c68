/**
 * A fake OpenAI-compatible chat server (`POST /v1/chat/completions`) on 127.0.0.1, speaking the
 * real HTTP API: a JSON body `{model, messages, response_format?}`, an optional Bearer key, a chat
 * completion back (`{choices: [{message: {role, content}, finish_reason}]}`), OpenAI-style JSON
 * errors. It records every request. By default it answers well: it reads the scenes asked for from
 * the request's JSON list and writes `Image <n>: <text>` / `Camera pushes in slowly on scene <n>.`
 * for each, with notes `Notes after call <k>`. Tests script other answers (malformed text, cut-off
 * output, HTTP errors), slowness, requests held until released, and a server that refuses JSON mode.
 */

/** A scene as the request listed it. */
export interface AskedScene {
  scene: number;
  text: string;
  image?: string;
}

/** One request the fake received. */
export interface ChatCall {
  authorization: string | null;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string };
    stream?: boolean;
  };
  /** The scenes listed in the request's last user message that lists scenes. */
  scenes: AskedScene[];
}

/** A scripted answer to one request. */
export type ChatReply =
  | { content: string; finishReason?: string; delayMs?: number }
  | { status: number; message: string; delayMs?: number }
  | { raw: string; delayMs?: number };

/** Options of {@link startFakeChatServer}. */
export interface FakeChatOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Models the server knows (others get 404); default `["fake-llm"]`. */
  models?: string[];
}

/** A request held by {@link FakeChatServer.hold}. */
export interface HeldRequest {
  /** Resolves when the held request arrives. */
  arrived: Promise<ChatCall>;
  /** Lets it be answered. */
  release(): void;
}

/** A running fake. */
export interface FakeChatServer {
  /** Base URL to configure as PROMPT_API_URL, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  calls: ChatCall[];
  /** Answer the next requests with these, in order; after them the fake answers well again. */
  script(...replies: ChatReply[]): void;
  /** Wait this long before every answer (0 = at once). */
  delayMs: number;
  /** Hold the next request that arrives until `release()` (or until its client goes away). */
  hold(): HeldRequest;
  /** Answer 400 to requests with `response_format`, like servers without JSON mode. */
  rejectResponseFormat: boolean;
  close(): Promise<void>;
}

const SCENES_LIST = /Scenes to write \(JSON\):\n(\[[\s\S]*\])\s*$/;

/** Starts the fake on a free loopback port. */
export function startFakeChatServer(options: FakeChatOptions = {}): FakeChatServer {
  const models = options.models ?? ["fake-llm"];
  const replies: ChatReply[] = [];
  const holds: { arrived: (call: ChatCall) => void; released: Promise<void> }[] = [];
  const releases: (() => void)[] = [];
  const abort = new AbortController();
  const fake: FakeChatServer = {
    url: "",
    calls: [],
    delayMs: 0,
    rejectResponseFormat: false,
    script: (...more) => void replies.push(...more),
    hold() {
      let arrived!: (call: ChatCall) => void;
      let release!: () => void;
      const arrival = new Promise<ChatCall>((resolve) => (arrived = resolve));
      holds.push({ arrived, released: new Promise<void>((resolve) => (release = resolve)) });
      releases.push(release);
      return { arrived: arrival, release };
    },
    close: async () => {
      releases.forEach((release) => release());
      abort.abort();
      await server.finished;
    },
  };
  const error = (status: number, message: string) =>
    Response.json({ error: { message, type: "invalid_request_error" } }, { status });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} },
    async (request) => {
      const path = new URL(request.url).pathname;
      if (request.method !== "POST" || path !== "/v1/chat/completions") return error(404, `No route ${path}.`);
      const body = await request.json().catch(() => null);
      const call: ChatCall = {
        authorization: request.headers.get("authorization"),
        body: body ?? {},
        scenes: askedScenes(body),
      };
      fake.calls.push(call);
      // (Deno.serve does not always notice a client that went away: a held request then waits for
      // its release or for close().)
      let aborted = false;
      const gone = new Promise<void>((resolve) => {
        request.signal.addEventListener("abort", () => {
          aborted = true;
          resolve();
        }, { once: true });
      });
      const held = holds.shift();
      if (held) {
        held.arrived(call);
        await Promise.race([held.released, gone]);
      }
      const reply = replies.shift();
      const delay = reply?.delayMs ?? fake.delayMs;
      if (delay > 0) await Promise.race([new Promise((resolve) => setTimeout(resolve, delay)), gone]);
      if (aborted) return error(499, "The client went away.");
      if (options.apiKey && call.authorization !== `Bearer ${options.apiKey}`) {
        return error(401, "Incorrect API key provided.");
      }
      if (!body || !Array.isArray(body.messages)) return error(400, "messages is required.");
      if (!models.includes(body.model)) return error(404, `model '${body.model}' not found, try pulling it first`);
      if (fake.rejectResponseFormat && body.response_format) {
        return error(400, "Unrecognized request argument supplied: response_format");
      }
      if (reply && "status" in reply) return error(reply.status, reply.message);
      if (reply && "raw" in reply) return new Response(reply.raw, { headers: { "content-type": "text/plain" } });
      const content = reply ? reply.content : goodAnswer(call.scenes, fake.calls.length);
      return Response.json({
        id: `chatcmpl-${fake.calls.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{
          index: 0,
          message: { role: "assistant", content },
          finish_reason: reply?.finishReason ?? "stop",
        }],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      });
    },
  );
  fake.url = `http://127.0.0.1:${server.addr.port}/v1`;
  return fake;
}

/** The well-formed answer for `scenes`, as the `callNumber`-th request. */
export function goodAnswer(scenes: AskedScene[], callNumber: number): string {
  return JSON.stringify({
    notes: `Notes after call ${callNumber}`,
    scenes: scenes.map((s) => ({
      scene: s.scene,
      image: s.image ?? `Image ${s.scene}: ${s.text}`,
      video: `Camera pushes in slowly on scene ${s.scene}.`,
    })),
  });
}

function askedScenes(body: ChatCall["body"] | null): AskedScene[] {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  for (const message of [...messages].reverse()) {
    if (message.role !== "user" || typeof message.content !== "string") continue;
    const list = SCENES_LIST.exec(message.content);
    if (!list) continue;
    try {
      return JSON.parse(list[1]);
    } catch {
      return [];
    }
  }
  return [];
}
