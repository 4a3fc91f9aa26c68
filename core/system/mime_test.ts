import assert from "node:assert/strict";
import { contentType, extensionFor, mediaContentType } from "./mime.ts";

Deno.test("contentType: by extension, any case; unknown and extension-less names have none", () => {
  const cases: [string, string | undefined][] = [
    ["build/islands-0123456789abcdef.js", "text/javascript; charset=utf-8"],
    ["styles.CSS", "text/css; charset=utf-8"],
    ["favicon.svg", "image/svg+xml"],
    ["projects/1/2-video.mp4", "video/mp4"],
    ["narration.mp3", "audio/mpeg"],
    ["archive.tar.gz", undefined],
    ["Makefile", undefined],
    [".hidden", undefined],
    ["dir.d/file", undefined],
    ["toString", undefined],
    ["x.constructor", undefined],
  ];
  for (const [path, expected] of cases) assert.equal(contentType(path), expected, path);
});

Deno.test("mediaContentType: images, clips and audio only (no markup, no SVG)", () => {
  const cases: [string, string | undefined][] = [
    ["1/a.png", "image/png"],
    ["1/a.JPG", "image/jpeg"],
    ["1/a.webp", "image/webp"],
    ["1/a.webm", "video/webm"],
    ["1/a.wav", "audio/wav"],
    ["1/narration.m4a", "audio/mp4"],
    ["1/exports/e.srt", "application/x-subrip"],
    ["1/exports/e.vtt", "text/vtt; charset=utf-8"],
    ["1/a.svg", undefined],
    ["1/a.html", undefined],
    ["1/a.js", undefined],
    ["1/a", undefined],
  ];
  for (const [path, expected] of cases) assert.equal(mediaContentType(path), expected, path);
});

Deno.test("extensionFor: the extension media of a MIME type is stored under", () => {
  const cases: [string, string | undefined][] = [
    ["audio/mp4", "m4a"],
    ["audio/wav", "wav"],
    ["audio/mpeg", "mp3"],
    ["video/mp4", "mp4"],
    ["application/x-unknown", undefined],
  ];
  for (const [type, ext] of cases) assert.equal(extensionFor(type), ext, type);
});
