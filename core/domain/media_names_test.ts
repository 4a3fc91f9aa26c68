import assert from "node:assert/strict";
import { mediaFileName, projectZipName } from "./media_names.ts";

Deno.test("download names: scene number padded, part word, the stored file's extension", () => {
  const cases: [Parameters<typeof mediaFileName>, string][] = [
    [[7, "image", "/media/projects/1/sentences/9/image-20250101T120000Z-1a2b3c4d.png"], "scene-007-image.png"],
    [[7, "video", "projects/1/sentences/9/video-x.mp4"], "scene-007-video.mp4"],
    [[12, "audio", "projects/1/sentences/9/audio-x.M4A"], "scene-012-narration.m4a"],
    [[1234, "image", "a/b.webp"], "scene-1234-image.webp"],
    [[7, "image", "a/b.png", 4], "scene-0007-image.png"],
    [[7, "image", "a/b.png", 1], "scene-007-image.png"],
    [[3, "video", "a/no-extension"], "scene-003-video"],
    [[3, "image", "a.dir/.hidden"], "scene-003-image"],
  ];
  for (const [args, expected] of cases) assert.equal(mediaFileName(...args), expected, JSON.stringify(args));
});

Deno.test("zip names: the title as a plain slug", () => {
  const cases: [string, string][] = [
    ["The Lighthouse Keeper (demo)", "the-lighthouse-keeper-demo-media.zip"],
    ["Café à la mer", "cafe-a-la-mer-media.zip"],
    ["  ", "project-media.zip"],
    ["東京", "project-media.zip"],
    ["a".repeat(80), `${"a".repeat(60)}-media.zip`],
    [`${"a".repeat(59)} b`, `${"a".repeat(59)}-media.zip`],
  ];
  for (const [title, expected] of cases) assert.equal(projectZipName(title), expected, title);
});
