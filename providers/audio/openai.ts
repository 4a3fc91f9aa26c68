/**
 * The `openai` narration provider: any server speaking OpenAI's `POST /v1/audio/speech` — OpenAI
 * itself, Kokoro-FastAPI, openedai-speech, LocalAI. It sends `{model, voice, input,
 * response_format: "wav"}` (the key as a Bearer token), streams the answer to a temporary file and
 * converts whatever arrives (WAV, MP3, …; the bytes decide, not the header) to the narration
 * format. A whole section can be read in one request for a better flow; such a file has no timings
 * of its own, so cutting it into sentences needs a transcription server (./transcribe.ts).
 */
import { join } from "node:path";
import { encodeNarration, NARRATION_MIME_TYPE } from "../../media/audio/narration_format.ts";
import { endpointUrl, postToServer, type ServiceNames, timedOut } from "./openai_http.ts";
import {
  type AudioProvider,
  ProviderError,
  type SectionSpeechRequest,
  type SectionSpeechResult,
  type SpeechRequest,
  type SpeechResult,
} from "./types.ts";

/** Options of {@link createOpenAiSpeechProvider} (from TTS_API_URL, TTS_MODEL, TTS_VOICE, TTS_API_KEY). */
export interface OpenAiSpeechOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8880/v1` (the path is completed). */
  url: string;
  model: string;
  voice: string;
  apiKey?: string;
  /** Upper bound for one request, download included. Default 5 minutes. */
  timeoutMs?: number;
}

/** Largest audio answer accepted, in bytes: far above a long section, far below a runaway stream. */
export const MAX_SPEECH_BYTES = 200 * 1024 * 1024;
/** Longest input sent in one request, in characters (OpenAI's limit is 4096). */
export const MAX_SPEECH_INPUT_CHARS = 4096;

const NAMES: ServiceNames = {
  service: "speech server",
  urlVariable: "TTS_API_URL",
  keyVariable: "TTS_API_KEY",
  modelVariables: "TTS_MODEL and TTS_VOICE",
};

/** Creates the OpenAI-compatible speech provider. */
export function createOpenAiSpeechProvider(options: OpenAiSpeechOptions): AudioProvider {
  const url = endpointUrl(options.url, "audio/speech");
  const timeoutMs = options.timeoutMs ?? 300_000;
  const speak = async (text: string, request: SpeechRequest | SectionSpeechRequest): Promise<SpeechResult> => {
    const input = text.replace(/\s+/g, " ").trim();
    if (!/[\p{L}\p{N}]/u.test(input)) {
      throw new ProviderError("There are no words to read aloud here. Add some text or upload a recording.", {
        transient: false,
      });
    }
    if (input.length > MAX_SPEECH_INPUT_CHARS) {
      throw new ProviderError(
        `This text is ${input.length} characters long; the speech server takes at most ${MAX_SPEECH_INPUT_CHARS} at once. Split it into shorter sentences.`,
        { transient: false },
      );
    }
    request.onProgress?.(0);
    const started = Date.now();
    const response = await postToServer(url, {
      body: JSON.stringify({
        model: options.model,
        voice: request.voice || options.voice,
        input,
        response_format: "wav",
      }),
      headers: { "content-type": "application/json" },
      apiKey: options.apiKey,
      signal: request.signal,
      timeoutMs,
      names: NAMES,
    });
    const dir = await Deno.makeTempDir({ prefix: "studio-tts-" });
    try {
      const download = join(dir, "answer.audio");
      await saveBody(response, download, request.signal, timeoutMs - (Date.now() - started), url);
      request.onProgress?.(0.7);
      const durationMs = await encodeNarration(download, request.outPath, { signal: request.signal }).catch(
        (error) => {
          if (request.signal.aborted || !(error instanceof ProviderError)) throw error;
          throw new ProviderError(
            `The speech server at ${
              new URL(url).host
            } sent something that is not audio ffmpeg can read (${error.message}). ` +
              "Check that TTS_API_URL points to an OpenAI-compatible /v1/audio/speech endpoint.",
            { transient: false, cause: error },
          );
        },
      );
      request.onProgress?.(1);
      return { path: request.outPath, mimeType: NARRATION_MIME_TYPE, durationMs };
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  };
  return {
    name: "openai",
    synthesize: (request: SpeechRequest) => speak(request.text, request),
    synthesizeSection: (request: SectionSpeechRequest): Promise<SectionSpeechResult> =>
      speak(request.sentences.join(" "), request),
  };
}

/** Streams the answer to `path`, never holding it whole in memory, within the size and time limits. */
async function saveBody(
  response: Response,
  path: string,
  signal: AbortSignal,
  remainingMs: number,
  url: string,
): Promise<void> {
  const host = new URL(url).host;
  if (!response.body) {
    throw new ProviderError(`The speech server at ${host} answered without audio. Check TTS_MODEL and TTS_VOICE.`, {
      transient: false,
    });
  }
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const timeout = AbortSignal.timeout(Math.max(1, remainingMs));
  let total = 0;
  try {
    const reader = response.body.getReader();
    const stop = () => reader.cancel().catch(() => {});
    const both = AbortSignal.any([signal, timeout]);
    both.addEventListener("abort", stop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (both.aborted) break;
        if (done) break;
        total += value.length;
        if (total > MAX_SPEECH_BYTES) {
          await stop();
          throw new ProviderError(
            `The speech server at ${host} sent more than ${
              MAX_SPEECH_BYTES / 1024 / 1024
            } MB of audio for one request, so it was stopped. Split the text.`,
            { transient: false },
          );
        }
        let written = 0;
        while (written < value.length) written += await file.write(value.subarray(written));
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted) throw timedOut(NAMES, host, remainingMs, error);
      if (error instanceof ProviderError) throw error;
      throw new ProviderError(`The speech server at ${host} broke off while sending audio; it will be tried again.`, {
        transient: true,
        cause: error,
      });
    } finally {
      both.removeEventListener("abort", stop);
    }
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw timedOut(NAMES, host, remainingMs);
    if (total === 0) {
      throw new ProviderError(`The speech server at ${host} answered with no audio. Check TTS_MODEL and TTS_VOICE.`, {
        transient: false,
      });
    }
  } finally {
    file.close();
  }
}
