import assert from "node:assert/strict";
import { decodeWithFfmpeg, mp4TopLevelBoxes, readPngSize } from "../providers/fixtures/media_checks.ts";
import { startFakeComfyUI } from "./fakes/comfyui_server.ts";
import { comfyProvider, imageRequest, mediaDir, videoRequest } from "./helpers/comfyui.ts";

Deno.test("an image comes back as a real PNG at the model's size, with progress", async () => {
  const fake = await startFakeComfyUI({ stepMs: 20 });
  const { dir, cleanup } = await mediaDir();
  const provider = comfyProvider({ COMFYUI_URL: fake.url });
  try {
    const request = imageRequest(dir);
    const media = await provider.generateImage(request);
    assert.equal(media.mimeType, "image/png");
    assert.deepEqual({ width: media.width, height: media.height }, { width: 1280, height: 720 });
    assert.deepEqual(readPngSize(await Deno.readFile(media.path)), { width: 1280, height: 720 });
    assert.deepEqual(request.reports.progress.at(-1), 1);
    assert.ok(request.reports.progress.some((f) => f > 0 && f < 1), `progress: ${request.reports.progress}`);
  } finally {
    provider.close();
    await fake.close();
    await cleanup();
  }
});

Deno.test("a video comes back as a real MP4 on the workflow's frame grid", async () => {
  const fake = await startFakeComfyUI({ stepMs: 2 });
  const { dir, cleanup } = await mediaDir();
  const provider = comfyProvider({ COMFYUI_URL: fake.url });
  try {
    const request = await videoRequest(dir);
    const media = await provider.imageToVideo(request);
    assert.equal(media.mimeType, "video/mp4");
    assert.deepEqual(
      { frames: media.frames, fps: media.fps, width: media.width, height: media.height, durationMs: media.durationMs },
      { frames: 121, fps: 24, width: 1280, height: 704, durationMs: 5042 },
    );
    const bytes = await Deno.readFile(media.path);
    assert.deepEqual(mp4TopLevelBoxes(bytes).slice(0, 2), ["ftyp", "moov"]);
    await decodeWithFfmpeg(media.path);
  } finally {
    provider.close();
    await fake.close();
    await cleanup();
  }
});
