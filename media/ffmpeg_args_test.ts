import assert from "node:assert/strict";
import { join } from "node:path";
import { runFfmpeg } from "../providers/ffmpeg.ts";
import { mp4TopLevelBoxes, probeWithFfmpeg, readPngSize } from "../providers/fixtures/media_checks.ts";
import { withTempDir } from "./fixtures/make_media.ts";
import { h264VideoArgs, lavfiInput, mp4FileOutput, pngFileOutput } from "./ffmpeg_args.ts";

Deno.test("h264VideoArgs adds -crf and -g only when asked for", () => {
  const cases: [Parameters<typeof h264VideoArgs>[0], string[]][] = [
    [{ preset: "ultrafast" }, ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]],
    [{ preset: "veryfast", crf: 21 }, ["-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p"]],
    [
      { preset: "veryslow", crf: 30, keyframeInterval: 96 },
      ["-c:v", "libx264", "-preset", "veryslow", "-crf", "30", "-pix_fmt", "yuv420p", "-g", "96"],
    ],
  ];
  for (const [options, expected] of cases) assert.deepEqual(h264VideoArgs(options), expected);
});

Deno.test("the argument sets make a browser-playable H.264 MP4 and a one-frame PNG", () =>
  withTempDir(async (dir) => {
    const clip = join(dir, "clip.mp4");
    await runFfmpeg([
      "-loglevel",
      "error",
      ...lavfiInput("testsrc2=size=96x54:rate=12:duration=1"),
      ...h264VideoArgs({ preset: "ultrafast", crf: 30, keyframeInterval: 24 }),
      ...mp4FileOutput(clip),
    ]);
    const info = await probeWithFfmpeg(clip);
    assert.equal(info.codec, "h264");
    assert.equal(info.pixelFormat, "yuv420p");
    assert.deepEqual([info.width, info.height], [96, 54]);
    const boxes = mp4TopLevelBoxes(await Deno.readFile(clip));
    assert.ok(boxes.indexOf("moov") < boxes.indexOf("mdat"), `faststart: moov before mdat (${boxes})`);

    const still = join(dir, "still.png");
    await runFfmpeg([
      "-loglevel",
      "error",
      ...lavfiInput("testsrc2=size=40x30:rate=5:duration=2"),
      ...pngFileOutput(still),
    ]);
    assert.deepEqual(readPngSize(await Deno.readFile(still)), { width: 40, height: 30 });
  }));
