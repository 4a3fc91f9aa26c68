import assert from "node:assert/strict";
import { join } from "node:path";
import { escapeFilterValue, ffmpegPath, fontPath, runFfmpeg, usefulStderrLine } from "./ffmpeg.ts";
import { ProviderError } from "./types.ts";
import { readPngSize } from "./fixtures/media_checks.ts";
import { lavfiInput, pngFileOutput } from "../media/ffmpeg_args.ts";

Deno.test("ffmpeg and the font are found in the project's own packages", () => {
  assert.ok(Deno.statSync(ffmpegPath()).isFile);
  assert.match(ffmpegPath(), /@ffmpeg-installer/);
  assert.ok(Deno.statSync(fontPath()).isFile);
  assert.match(fontPath(), /DejaVuSans\.ttf$/);
});

Deno.test("a failing ffmpeg run becomes a permanent ProviderError with the useful stderr line", async () => {
  const error = await runFfmpeg(
    ["-loglevel", "error", "-i", "file:/nonexistent/studio-missing.png", "-f", "null", "-"],
    { task: "read the test input" },
  ).then(() => undefined, (e) => e);
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.transient, false);
  assert.match(error.message, /^ffmpeg could not read the test input \(exit code 1\): .*No such file or directory/);
});

Deno.test("an already aborted signal rejects with its reason without starting ffmpeg", async () => {
  const controller = new AbortController();
  const reason = new Error("run cancelled");
  controller.abort(reason);
  await assert.rejects(runFfmpeg(["-version"], { signal: controller.signal }), (e) => e === reason);
});

Deno.test("aborting kills a long ffmpeg run at once and rejects with an AbortError", async () => {
  const controller = new AbortController();
  const run = runFfmpeg(
    ["-loglevel", "error", "-re", "-f", "lavfi", "-i", "color=c=red:s=64x64:r=10:d=60", "-f", "null", "-"],
    { signal: controller.signal },
  );
  await new Promise((r) => setTimeout(r, 200));
  const started = performance.now();
  controller.abort();
  await assert.rejects(run, (e) => e instanceof DOMException && e.name === "AbortError");
  assert.ok(performance.now() - started < 1000, "rejected within a second");
});

Deno.test("a timeout kills ffmpeg and fails transiently", async () => {
  const error = await runFfmpeg(
    ["-loglevel", "error", "-re", "-f", "lavfi", "-i", "color=c=red:s=64x64:r=10:d=60", "-f", "null", "-"],
    { timeoutMs: 200, task: "play the test clip" },
  ).then(() => undefined, (e) => e);
  assert.ok(error instanceof ProviderError, String(error));
  assert.equal(error.transient, true);
  assert.match(error.message, /did not play the test clip within/);
});

Deno.test("progress is reported when asked for", async () => {
  const frames: number[] = [];
  await runFfmpeg(
    ["-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=64x64:r=24:d=2", "-f", "null", "-"],
    { onProgress: ({ frame }) => frames.push(frame) },
  );
  assert.ok(frames.length >= 1);
  assert.equal(frames.at(-1), 48);
});

Deno.test("escapeFilterValue survives quotes, colons, commas, brackets and backslashes in paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "studio-ffmpeg-" });
  try {
    const weird = join(dir, `it's: [a,b]; 100% \\ x`);
    await Deno.mkdir(weird);
    const textFile = join(weird, "t.txt");
    await Deno.writeTextFile(textFile, "hello");
    const out = join(weird, "out.png");
    const filter = `drawtext=fontfile=${escapeFilterValue(fontPath())}:textfile=${escapeFilterValue(textFile)}` +
      `:expansion=none:fontsize=20:fontcolor=white:x=${escapeFilterValue("min(10,w)")}:y=10`;
    await runFfmpeg([
      "-loglevel",
      "error",
      ...lavfiInput("color=c=black:s=160x90:d=1"),
      "-vf",
      filter,
      ...pngFileOutput(out),
    ]);
    assert.deepEqual(readPngSize(await Deno.readFile(out)), { width: 160, height: 90 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("usefulStderrLine skips ffmpeg's generic follow-up lines and memory addresses", () => {
  const stderr = "[libx264 @ 0x55d0c8a4e2c0] width not divisible by 2 (1281x720)\n" +
    "Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0\n" +
    "Conversion failed!\n";
  assert.equal(usefulStderrLine(stderr), "[libx264] width not divisible by 2 (1281x720)");
  assert.equal(usefulStderrLine(""), "");
  assert.equal(
    usefulStderrLine("file:/tmp/studio-tts-1a2b/answer.audio: Invalid data found when processing input\n"),
    "answer.audio: Invalid data found when processing input",
  );
  assert.equal(
    usefulStderrLine("Error opening input /srv/data/media/s1.png: Permission denied"),
    "Error opening input s1.png: Permission denied",
  );
});
