/**
 * A fake OpenAI-compatible speech server (`POST /v1/audio/speech`) on 127.0.0.1, speaking the real
 * HTTP API: a JSON body `{model, voice, input, response_format}`, an optional Bearer key, audio
 * bytes back (a real 16 kHz WAV whose tones follow the words at 150 words a minute), OpenAI-style
 * JSON errors. Tests inject failures (`failNext`), slowness (`delayMs`) and wrong answers.
 */
import { encodeWav } from "../../media/audio/wav.ts";
import { estimateSpeech } from "../../providers/audio/speech_estimate.ts";

/** One request the fake received. */
export interface SpeechCall {
  authorization: string | null;
  body: { model?: string; voice?: string; input?: string; response_format?: string };
}

/** Options of {@link startFakeSpeechServer}. */
export interface FakeSpeechOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Models and voices the server knows; others get 404 (model) or 400 (voice). */
  models?: string[];
  voices?: string[];
}

/** A running fake. */
export interface FakeSpeechServer {
  /** Base URL to configure as TTS_API_URL, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  calls: SpeechCall[];
  /** Answer the next `times` requests with this status and an OpenAI-style error body. */
  failNext(status: number, message: string, times?: number): void;
  /** Wait this long before answering (0 = at once). */
  delayMs: number;
  /** Answer with these bytes instead of audio (to test what a broken server sends). */
  bodyOverride?: Uint8Array<ArrayBuffer>;
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export function startFakeSpeechServer(options: FakeSpeechOptions = {}): FakeSpeechServer {
  const models = options.models ?? ["tts-1", "kokoro"];
  const voices = options.voices ?? ["alloy", "af_heart"];
  const failures: { status: number; message: string }[] = [];
  const abort = new AbortController();
  const fake: FakeSpeechServer = {
    url: "",
    calls: [],
    delayMs: 0,
    failNext(status, message, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, message });
    },
    close: async () => {
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
      if (request.method !== "POST" || path !== "/v1/audio/speech") return error(404, `No route ${path}.`);
      const body = await request.json().catch(() => null);
      fake.calls.push({ authorization: request.headers.get("authorization"), body: body ?? {} });
      if (fake.delayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, fake.delayMs));
      }
      const failure = failures.shift();
      if (failure) return error(failure.status, failure.message);
      if (options.apiKey && request.headers.get("authorization") !== `Bearer ${options.apiKey}`) {
        return error(401, "Incorrect API key provided.");
      }
      if (!body || typeof body.input !== "string" || body.input.length === 0) return error(400, "input is required.");
      if (!models.includes(body.model)) return error(404, `The model '${body.model}' does not exist.`);
      if (!voices.includes(body.voice)) return error(400, `Voice '${body.voice}' is not supported.`);
      if (fake.bodyOverride) return new Response(fake.bodyOverride, { headers: { "content-type": "audio/wav" } });
      return new Response(speechWav(body.input), { headers: { "content-type": "audio/wav" } });
    },
  );
  fake.url = `http://127.0.0.1:${server.addr.port}/v1`;
  return fake;
}

/** The audio the fake "speaks" for `input`: a 16 kHz WAV, a tone under each estimated word. */
export function speechWav(input: string): Uint8Array<ArrayBuffer> {
  const rate = 16_000;
  const { durationMs, words } = estimateSpeech(input);
  const samples = new Float32Array(Math.round((durationMs / 1000) * rate));
  for (const w of words) {
    for (let i = Math.round((w.startMs / 1000) * rate); i < Math.round((w.endMs / 1000) * rate); i++) {
      samples[i] = 0.3 * Math.sin((2 * Math.PI * 180 * i) / rate);
    }
  }
  return encodeWav(samples, rate);
}
