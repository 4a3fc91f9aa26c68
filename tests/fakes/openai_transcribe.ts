/**
 * A fake OpenAI-compatible transcription server (`POST /v1/audio/transcriptions`) on 127.0.0.1:
 * it parses the real multipart body (file, model, response_format, timestamp_granularities[]),
 * checks the file is there, and answers verbose JSON in the shape of OpenAI, a faster-whisper
 * server or whisper.cpp's server — with the words the test says it "hears".
 */
import type { WordTiming } from "../../providers/audio/types.ts";

/** Which server's JSON to imitate. */
export type TranscriptionFlavour = "openai" | "faster-whisper" | "whisper.cpp";

/** One request the fake received. */
export interface TranscriptionCall {
  authorization: string | null;
  fileName: string;
  fileBytes: number;
  fields: Record<string, string[]>;
}

/** A running fake. */
export interface FakeTranscriptionServer {
  url: string;
  calls: TranscriptionCall[];
  /** What the fake hears in the next files (times in ms). */
  words: WordTiming[];
  flavour: TranscriptionFlavour;
  failNext(status: number, message: string): void;
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export function startFakeTranscriptionServer(options: { apiKey?: string } = {}): FakeTranscriptionServer {
  const failures: { status: number; message: string }[] = [];
  const abort = new AbortController();
  const fake: FakeTranscriptionServer = {
    url: "",
    calls: [],
    words: [],
    flavour: "openai",
    failNext(status, message) {
      failures.push({ status, message });
    },
    close: async () => {
      abort.abort();
      await server.finished;
    },
  };
  const error = (status: number, message: string) => Response.json({ error: { message } }, { status });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: () => {} },
    async (request) => {
      if (request.method !== "POST" || new URL(request.url).pathname !== "/v1/audio/transcriptions") {
        return error(404, "Not found.");
      }
      const failure = failures.shift();
      if (failure) return error(failure.status, failure.message);
      if (options.apiKey && request.headers.get("authorization") !== `Bearer ${options.apiKey}`) {
        return error(401, "Incorrect API key provided.");
      }
      let form: FormData;
      try {
        form = await request.formData();
      } catch {
        return error(400, "The body must be multipart/form-data.");
      }
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) return error(400, "A file is required.");
      const fields: Record<string, string[]> = {};
      for (const [key, value] of form.entries()) {
        if (typeof value === "string") (fields[key] ??= []).push(value);
      }
      fake.calls.push({
        authorization: request.headers.get("authorization"),
        fileName: file.name,
        fileBytes: file.size,
        fields,
      });
      if (fields.response_format?.[0] !== "verbose_json") return Response.json({ text: text(fake.words) });
      return Response.json(answer(fake.flavour, fake.words));
    },
  );
  fake.url = `http://127.0.0.1:${server.addr.port}/v1`;
  return fake;
}

function text(words: WordTiming[]): string {
  return words.map((w) => w.text).join(" ");
}

const seconds = (ms: number) => ms / 1000;

/** The verbose JSON each server sends for `words` (one segment per 8 words). */
function answer(flavour: TranscriptionFlavour, words: WordTiming[]): unknown {
  const chunks: WordTiming[][] = [];
  for (let i = 0; i < words.length; i += 8) chunks.push(words.slice(i, i + 8));
  const duration = seconds(words.at(-1)?.endMs ?? 0);
  const segment = (chunk: WordTiming[], id: number) => ({
    id,
    start: seconds(chunk[0].startMs),
    end: seconds(chunk[chunk.length - 1].endMs),
    text: ` ${text(chunk)}`,
  });
  const word = (w: WordTiming) => ({ word: w.text, start: seconds(w.startMs), end: seconds(w.endMs) });
  switch (flavour) {
    case "openai":
      return {
        task: "transcribe",
        language: "english",
        duration,
        text: text(words),
        words: words.map(word),
        segments: chunks.map(segment),
      };
    case "faster-whisper":
      return {
        task: "transcribe",
        language: "en",
        duration,
        text: text(words),
        words: null,
        segments: chunks.map((chunk, id) => ({
          ...segment(chunk, id),
          words: chunk.map((w) => ({ ...word(w), word: ` ${w.text}`, probability: 0.9 })),
        })),
      };
    case "whisper.cpp":
      // Tokens: a leading space starts a word; long words arrive in two pieces; special tokens included.
      return {
        task: "transcribe",
        language: "english",
        duration,
        text: text(words),
        segments: chunks.map((chunk, id) => ({
          ...segment(chunk, id),
          words: [
            { word: "[_BEG_]", start: seconds(chunk[0].startMs), end: seconds(chunk[0].startMs) },
            ...chunk.flatMap((w) => {
              if (w.text.length < 6) {
                return [{ word: ` ${w.text}`, start: seconds(w.startMs), end: seconds(w.endMs), t_dtw: -1 }];
              }
              const middle = Math.round((w.startMs + w.endMs) / 2);
              const cut = Math.ceil(w.text.length / 2);
              return [
                { word: ` ${w.text.slice(0, cut)}`, start: seconds(w.startMs), end: seconds(middle), t_dtw: -1 },
                { word: w.text.slice(cut), start: seconds(middle), end: seconds(w.endMs), t_dtw: -1 },
              ];
            }),
          ],
        })),
      };
  }
}
