import assert from "node:assert/strict";
import { createSimulatedProvider, encodeFlatPng, SLOW_FACTOR } from "./simulated.ts";
import { ProviderError } from "./types.ts";
import { decodeWithFfmpeg, mp4TopLevelBoxes, probeWithFfmpeg, readPngSize } from "./fixtures/media_checks.ts";
import { imageRequest, videoRequest } from "./fixtures/requests.ts";
import { withTempDir } from "../media/fixtures/make_media.ts";

async function timed<T>(promise: Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await promise;
  return [value, performance.now() - started];
}

Deno.test("simulated: writes a valid PNG of the requested size and a valid MP4", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedProvider();
    for (const [width, height] of [[1280, 720], [720, 1280], [1, 1], [13, 7]]) {
      const media = await provider.generateImage(imageRequest(dir, { width, height }));
      assert.equal(media.mimeType, "image/png");
      const bytes = await Deno.readFile(media.path);
      assert.deepEqual(readPngSize(bytes), { width, height });
      assert.ok(bytes.length < 1000, `tiny: ${bytes.length} bytes`);
      await decodeWithFfmpeg(media.path);
    }
    for (const [width, height] of [[1280, 720], [720, 1280]]) {
      const media = await provider.imageToVideo(videoRequest(dir, { width, height }));
      assert.equal(media.mimeType, "video/mp4");
      const bytes = await Deno.readFile(media.path);
      assert.equal(mp4TopLevelBoxes(bytes)[0], "ftyp");
      const info = await probeWithFfmpeg(media.path);
      assert.equal(info.codec, "h264");
      assert.equal(info.width > info.height, width > height, "orientation follows the request");
      await decodeWithFfmpeg(media.path);
    }
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["clip.mp4", "image.png"]);
  }));

Deno.test("simulated: the PNG colour follows the prompt", () => {
  assert.notDeepEqual(
    encodeFlatPng(8, 8, [10, 20, 30]),
    encodeFlatPng(8, 8, [30, 20, 10]),
  );
});

Deno.test("simulated: 0 ms means no delay at all", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedProvider({ imageMs: 0, videoMs: 0 });
    await provider.generateImage(imageRequest(dir)); // warm-up
    const [, imageMs] = await timed(provider.generateImage(imageRequest(dir)));
    const [, videoMs] = await timed(provider.imageToVideo(videoRequest(dir)));
    console.log(`  simulated 0 ms: image ${imageMs.toFixed(2)} ms, video ${videoMs.toFixed(2)} ms`);
    assert.ok(imageMs < 20 && videoMs < 20, `image ${imageMs} ms, video ${videoMs} ms`);
  }));

Deno.test("simulated: durations are respected, [slow] takes ten times as long", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedProvider({ imageMs: 100, videoMs: 150 });
    const [, imageMs] = await timed(provider.generateImage(imageRequest(dir)));
    const [, videoMs] = await timed(provider.imageToVideo(videoRequest(dir)));
    assert.ok(imageMs >= 99 && imageMs < 400, `image took ${imageMs} ms`);
    assert.ok(videoMs >= 149 && videoMs < 450, `video took ${videoMs} ms`);
    const slow = createSimulatedProvider({ imageMs: 30 });
    const [, slowMs] = await timed(slow.generateImage(imageRequest(dir, { prompt: "Harbour [SLOW]" })));
    assert.ok(slowMs >= 30 * SLOW_FACTOR - 1 && slowMs < 30 * SLOW_FACTOR + 300, `[slow] took ${slowMs} ms`);
  }));

Deno.test("simulated: [fail] fails permanently, on every attempt", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedProvider();
    for (const attempt of [1, 2, 3]) {
      await assert.rejects(
        provider.generateImage(imageRequest(dir, { prompt: "x [fail] y", attempt })),
        (e) => e instanceof ProviderError && !e.transient && /\[fail\] marker/.test(e.message),
      );
    }
    await assert.rejects(
      provider.imageToVideo(videoRequest(dir, { prompt: "[fail]" })),
      (e) => e instanceof ProviderError && !e.transient,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no file written");
  }));

Deno.test("simulated: [flaky] fails attempt 1 transiently and succeeds on attempt 2", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedProvider();
    await assert.rejects(
      provider.generateImage(imageRequest(dir, { prompt: "[flaky] harbour", attempt: 1 })),
      (e) => e instanceof ProviderError && e.transient && /\[flaky\]/.test(e.message),
    );
    const media = await provider.generateImage(imageRequest(dir, { prompt: "[flaky] harbour", attempt: 2 }));
    assert.deepEqual(readPngSize(await Deno.readFile(media.path)), { width: 1280, height: 720 });
    await assert.rejects(
      provider.imageToVideo(videoRequest(dir, { prompt: "[Flaky]", attempt: 1 })),
      (e) => e instanceof ProviderError && e.transient,
    );
    await provider.imageToVideo(videoRequest(dir, { prompt: "[Flaky]", attempt: 2 }));
  }));

Deno.test("simulated: abort rejects within a few ms with the signal's reason and writes nothing", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedProvider({ imageMs: 5000, videoMs: 5000 });
    for (
      const start of [
        (signal: AbortSignal) => provider.generateImage(imageRequest(dir, { signal })),
        (signal: AbortSignal) => provider.imageToVideo(videoRequest(dir, { signal, onProgress: () => {} })),
      ]
    ) {
      const controller = new AbortController();
      const work = start(controller.signal);
      const rejected = assert.rejects(work, (e) => e instanceof DOMException && e.name === "AbortError");
      await new Promise((r) => setTimeout(r, 30));
      const started = performance.now();
      controller.abort();
      await rejected;
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 10, `rejected after ${elapsed} ms`);
    }
    const controller = new AbortController();
    const reason = new Error("run cancelled");
    controller.abort(reason);
    await assert.rejects(provider.generateImage(imageRequest(dir, { signal: controller.signal })), (e) => e === reason);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  }));

Deno.test("simulated: progress is reported while waiting and ends at 1", () =>
  withTempDir(async (dir) => {
    const provider = createSimulatedProvider({ imageMs: 300 });
    const progress: number[] = [];
    await provider.generateImage(imageRequest(dir, { onProgress: (f) => progress.push(f) }));
    assert.equal(progress[0], 0);
    assert.equal(progress.at(-1), 1);
    assert.ok(progress.length >= 4, `progress: ${progress}`);
  }));

Deno.test("simulated: a negative duration is refused", () => {
  assert.throws(() => createSimulatedProvider({ imageMs: -1 }), /imageMs must be a number of milliseconds/);
});
