import assert from "node:assert/strict";
import { join } from "node:path";
import { cleanPrompt, createDraftProvider, layoutText } from "./draft.ts";
import { ProviderError } from "./types.ts";
import {
  decodeWithFfmpeg,
  mp4TopLevelBoxes,
  probeWithFfmpeg,
  processesMentioning,
  readPngSize,
} from "./fixtures/media_checks.ts";
import { imageRequest, videoRequest } from "./fixtures/requests.ts";
import { withTempDir } from "../media/fixtures/make_media.ts";
import { mountSmallDisk, smallDiskUnavailable } from "../tests/helpers/small_disk.ts";

const provider = createDraftProvider();
const PROMPT = "A lighthouse on a cliff at dusk, waves crashing below, cinematic lighting";

function image(dir: string, prompt: string, width = 1280, height = 720, seed = 7, name = "image.png") {
  return provider.generateImage(imageRequest(dir, { prompt, width, height, seed, outPath: join(dir, name) }));
}

for (const [width, height] of [[1280, 720], [720, 1280]]) {
  Deno.test(`draft image: a decodable ${width}×${height} PNG`, () =>
    withTempDir(async (dir) => {
      const started = performance.now();
      const media = await image(dir, PROMPT, width, height);
      console.log(`  draft image ${width}×${height}: ${Math.round(performance.now() - started)} ms`);
      assert.deepEqual(media, { path: join(dir, "image.png"), mimeType: "image/png" });
      assert.deepEqual(readPngSize(await Deno.readFile(media.path)), { width, height });
      await decodeWithFfmpeg(media.path);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["image.png"], "no temporary files left");
    }));
}

Deno.test("draft image: deterministic for a prompt and seed, different for another prompt or seed", () =>
  withTempDir(async (dir) => {
    const a = await Deno.readFile((await image(dir, PROMPT, 1280, 720, 7, "a.png")).path);
    const again = await Deno.readFile((await image(dir, PROMPT, 1280, 720, 7, "again.png")).path);
    const other = await Deno.readFile((await image(dir, "A red fox in fresh snow", 1280, 720, 7, "b.png")).path);
    const seed = await Deno.readFile((await image(dir, PROMPT, 1280, 720, 8, "c.png")).path);
    assert.deepEqual(a, again);
    assert.notDeepEqual(a, other);
    assert.notDeepEqual(a, seed);
  }));

Deno.test("draft image: tricky prompt text still renders", () =>
  withTempDir(async (dir) => {
    const tricky = `Quote ' double " colon: 100% %{pts} \\N back\\slash [a,b]; semi = eq ` +
      `Ümlaut Größe ñ çà Привет Ελλάδα 🌊🏳️‍🌈 日本語 \n\t new line `;
    const long = (tricky + "x".repeat(500) + " word".repeat(400)).slice(0, 2000);
    for (const [i, prompt] of [tricky, long, "", "   \n ", "'", "\\", "%", ":"].entries()) {
      const media = await image(dir, prompt, 1280, 720, i, `t${i}.png`);
      assert.deepEqual(readPngSize(await Deno.readFile(media.path)), { width: 1280, height: 720 });
      await decodeWithFfmpeg(media.path);
    }
  }));

Deno.test("draft layout: long prompts shrink then cut with an ellipsis, emoji and control characters go", () => {
  assert.equal(cleanPrompt("a\tb\n\nc 🌊 d\u0000e"), "a b c d e");
  assert.equal(cleanPrompt("  🌊 "), "(no prompt)");
  const short = layoutText("Short prompt", 1280, 720);
  assert.equal(short.lines.length, 1);
  const long = layoutText("word ".repeat(400).trim(), 1280, 720);
  assert.ok(long.fontSize < short.fontSize);
  assert.ok(long.lines.at(-1)!.endsWith("…"));
  assert.ok(long.box.y >= 0 && long.box.y + long.box.h <= 720);
  const unbroken = layoutText("x".repeat(2000), 720, 1280);
  assert.ok(unbroken.lines.length > 1, "an endless word is split across lines");
});

Deno.test("draft image: an impossible size is a permanent error", () =>
  withTempDir(async (dir) => {
    await assert.rejects(image(dir, PROMPT, 0, 720), (e) => e instanceof ProviderError && !e.transient);
  }));

for (const [width, height] of [[1280, 720], [720, 1280]]) {
  Deno.test(`draft video: a 4 s ${width}×${height} H.264 MP4 that browsers play`, () =>
    withTempDir(async (dir) => {
      const source = await image(dir, PROMPT, width, height);
      const progress: number[] = [];
      const started = performance.now();
      const media = await provider.imageToVideo(
        videoRequest(dir, {
          image: source.path,
          prompt: "slow push in",
          width,
          height,
          seed: 7,
          onProgress: (f) => progress.push(f),
        }),
      );
      console.log(`  draft video ${width}×${height}: ${Math.round(performance.now() - started)} ms`);
      assert.deepEqual(media, { path: join(dir, "clip.mp4"), mimeType: "video/mp4" });
      const info = await probeWithFfmpeg(media.path);
      assert.equal(info.codec, "h264");
      assert.equal(info.pixelFormat, "yuv420p");
      assert.deepEqual([info.width, info.height], [width, height]);
      assert.equal(info.fps, 24);
      assert.ok(Math.abs(info.durationSeconds - 4) < 0.1, `duration ${info.durationSeconds}`);
      const boxes = mp4TopLevelBoxes(await Deno.readFile(media.path));
      assert.equal(boxes[0], "ftyp");
      assert.ok(boxes.indexOf("moov") < boxes.indexOf("mdat"), `faststart: moov before mdat (${boxes})`);
      await decodeWithFfmpeg(media.path);
      assert.equal(progress[0], 0);
      assert.equal(progress.at(-1), 1);
      assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress only grows");
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["clip.mp4", "image.png"]);
    }));
}

Deno.test("draft video: abort kills ffmpeg within a second and rejects, leaving no file", () =>
  withTempDir(async (dir) => {
    const source = await image(dir, PROMPT);
    const controller = new AbortController();
    const video = provider.imageToVideo(videoRequest(dir, {
      image: source.path,
      prompt: PROMPT,
      seconds: 60, // long enough to be surely running when aborted
      signal: controller.signal,
    }));
    const rejected = assert.rejects(video, (e) => e instanceof DOMException && e.name === "AbortError");
    const deadline = performance.now() + 5000;
    while (processesMentioning(dir).length === 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(processesMentioning(dir).length > 0, "ffmpeg was running");
    await new Promise((r) => setTimeout(r, 200));
    const started = performance.now();
    controller.abort();
    await rejected;
    const elapsed = performance.now() - started;
    console.log(`  abort → rejection: ${elapsed.toFixed(1)} ms`);
    assert.ok(elapsed < 1000, `rejected after ${elapsed} ms`);
    assert.deepEqual(processesMentioning(dir), [], "no ffmpeg left running");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["image.png"], "no partial clip left");
  }));

Deno.test("draft video: a missing source image and an odd size are permanent errors", () =>
  withTempDir(async (dir) => {
    const request = videoRequest(dir, { image: join(dir, "missing.png"), prompt: PROMPT });
    await assert.rejects(
      provider.imageToVideo(request),
      (e) => e instanceof ProviderError && !e.transient && /does not exist/.test(e.message),
    );
    const source = await image(dir, PROMPT);
    await assert.rejects(
      provider.imageToVideo({ ...request, image: source.path, width: 1281 }),
      (e) => e instanceof ProviderError && !e.transient && /even/.test(e.message),
    );
  }));

Deno.test({
  name: "draft on a full disk: ffmpeg's cut-off or empty PNG is a transient error, and nothing is left behind",
  ignore: smallDiskUnavailable() !== null,
  fn: async () => {
    const disk = await mountSmallDisk(512 * 1024);
    try {
      for (const free of [100_000, 0]) {
        const filler = join(disk.path, "filler");
        await Deno.remove(filler).catch(() => {});
        await Deno.writeFile(filler, new Uint8Array(Math.max(0, (await disk.free()) - free)));
        const error = await image(disk.path, PROMPT).then(() => null, (e) => e);
        assert.ok(error instanceof ProviderError, `free ${free}: ${error}`);
        assert.equal(error.transient, true);
        assert.match(error.message, /^The generated image is (cut off|empty).*The media disk may be full/);
        assert.doesNotMatch(error.message, new RegExp(disk.path));
        assert.deepEqual([...Deno.readDirSync(disk.path)].map((e) => e.name), ["filler"], "no file left");
      }
    } finally {
      await disk.remove();
    }
  },
});
