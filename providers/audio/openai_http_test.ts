import assert from "node:assert/strict";
import { endpointUrl, statusError } from "./openai_http.ts";

const urlCases: [string, string][] = [
  ["http://127.0.0.1:8880", "http://127.0.0.1:8880/v1/audio/speech"],
  ["http://127.0.0.1:8880/", "http://127.0.0.1:8880/v1/audio/speech"],
  ["http://127.0.0.1:8880/v1", "http://127.0.0.1:8880/v1/audio/speech"],
  ["http://127.0.0.1:8880/v1/", "http://127.0.0.1:8880/v1/audio/speech"],
  ["https://api.example.test/v1/audio/speech", "https://api.example.test/v1/audio/speech"],
  ["http://box/tts/v1", "http://box/tts/v1/audio/speech"],
];
for (const [base, want] of urlCases) {
  Deno.test(`openai http: ${base} → ${want}`, () => assert.equal(endpointUrl(base, "audio/speech"), want));
}

const names = {
  service: "speech server",
  urlVariable: "TTS_API_URL",
  keyVariable: "TTS_API_KEY",
  modelVariables: "TTS_MODEL and TTS_VOICE",
};
const statusCases: [number, boolean, RegExp][] = [
  [400, false, /rejected the request \(HTTP 400: bad voice\)\. Check TTS_MODEL and TTS_VOICE\./],
  [401, false, /refused the API key .*Set TTS_API_KEY/],
  [403, false, /refused the API key/],
  [404, false, /not found.*TTS_API_URL.*TTS_MODEL and TTS_VOICE/],
  [422, false, /rejected the request/],
  [429, true, /busy or over its rate limit/],
  [500, true, /failed \(HTTP 500: bad voice\); it will be tried again/],
  [503, true, /failed \(HTTP 503/],
];
for (const [status, transient, pattern] of statusCases) {
  Deno.test(`openai http: HTTP ${status} is ${transient ? "transient" : "permanent"}`, () => {
    const error = statusError(status, "bad voice", "127.0.0.1:8880", names);
    assert.equal(error.transient, transient);
    assert.match(error.message, pattern);
    assert.match(error.message, /^The speech server at 127\.0\.0\.1:8880 /);
  });
}
