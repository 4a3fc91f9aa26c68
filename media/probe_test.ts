import assert from "node:assert/strict";
import { join } from "node:path";
import { countVideoFrames, parseFfmpegInput, probeMedia } from "./probe.ts";
import { makeClip, makeStill, makeTone, withTempDir } from "./fixtures/make_media.ts";
import { ProviderError } from "../providers/types.ts";

const cases: { name: string; stderr: string; want: ReturnType<typeof parseFfmpegInput> }[] = [
  {
    name: "MP4 with H.264 and AAC (ffmpeg 4.1, the bundled build)",
    stderr: `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:t.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:00:02.02, start: 0.000000, bitrate: 96 kb/s
    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 320x180 [SAR 1:1 DAR 16:9], 36 kb/s, 24 fps, 24 tbr, 12288 tbn, 48 tbc (default)
    Metadata:
      handler_name    : VideoHandler
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 49 kb/s (default)
Stream mapping:
  Stream #0:0 -> #0:0 (h264 (native) -> wrapped_avframe (native))
Output #0, null, to 'pipe:':
    Stream #0:0(und): Video: wrapped_avframe, yuv420p, 640x360, 25 fps`,
    want: {
      format: "mov,mp4,m4a,3gp,3g2,mj2",
      durationMs: 2020,
      streams: [
        { index: 0, type: "video", codec: "h264", width: 320, height: 180, fps: 24 },
        { index: 1, type: "audio", codec: "aac", sampleRate: 44100, channels: 1 },
      ],
    },
  },
  {
    name: "newer ffmpeg: stream ids in brackets, colour details, '1 channels'",
    stderr: `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':
  Duration: 01:02:03.45, start: 0.000000, bitrate: 1200 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1280x720 [SAR 1:1 DAR 16:9], 1034 kb/s, 29.97 fps, 29.97 tbr, 30k tbn (default)
  Stream #0:1[0x2](eng): Audio: pcm_s16le ([1][0][0][0] / 0x0001), 16000 Hz, 1 channels, s16, 256 kb/s (default)
  Stream #0:2[0x3](eng): Subtitle: mov_text (tx3g / 0x67337874), 0 kb/s (default)`,
    want: {
      format: "mov,mp4,m4a,3gp,3g2,mj2",
      durationMs: 3723450,
      streams: [
        { index: 0, type: "video", codec: "h264", width: 1280, height: 720, fps: 29.97 },
        { index: 1, type: "audio", codec: "pcm_s16le", sampleRate: 16000, channels: 1 },
        { index: 2, type: "subtitle", codec: "mov_text" },
      ],
    },
  },
  {
    name: "a still image has no duration and a tbr rate",
    stderr: `Input #0, png_pipe, from 'file:spec.png':
  Duration: N/A, bitrate: N/A
    Stream #0:0: Video: png, rgb24(pc), 800x300 [SAR 1:1 DAR 8:3], 25 tbr, 25 tbn, 25 tbc`,
    want: {
      format: "png_pipe",
      durationMs: null,
      streams: [{ index: 0, type: "video", codec: "png", width: 800, height: 300, fps: 25 }],
    },
  },
  {
    name: "stereo MP3",
    stderr: `Input #0, mp3, from 'a.mp3':
  Duration: 00:00:01.54, start: 0.025057, bitrate: 65 kb/s
    Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 64 kb/s`,
    want: {
      format: "mp3",
      durationMs: 1540,
      streams: [{ index: 0, type: "audio", codec: "mp3", sampleRate: 44100, channels: 2 }],
    },
  },
  { name: "no input block", stderr: "file:x.mp3: Invalid data found when processing input", want: null },
];
for (const c of cases) {
  Deno.test(`probe parse: ${c.name}`, () => assert.deepEqual(parseFfmpegInput(c.stderr), c.want));
}

Deno.test("probe: real files made by ffmpeg", () =>
  withTempDir(async (dir) => {
    const clip = await probeMedia(await makeClip(join(dir, "c.mp4"), { seconds: 2, width: 320, height: 180, fps: 24 }));
    assert.equal(clip.durationMs, 2000);
    assert.deepEqual(clip.streams, [{ index: 0, type: "video", codec: "h264", width: 320, height: 180, fps: 24 }]);
    assert.equal(await countVideoFrames(join(dir, "c.mp4")), 48);
    const tone = await probeMedia(await makeTone(join(dir, "t.wav"), 1.5));
    assert.equal(tone.durationMs, 1500);
    assert.deepEqual(tone.streams, [{ index: 0, type: "audio", codec: "pcm_s16le", sampleRate: 44100, channels: 1 }]);
    const still = await probeMedia(await makeStill(join(dir, "s.png"), 64, 48));
    assert.deepEqual([still.durationMs, still.streams[0].width, still.streams[0].height], [null, 64, 48]);
  }));

Deno.test("probe: a text file is not media (permanent error)", () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "notes.mp3"), "just some words, no audio here\n");
    await assert.rejects(probeMedia(join(dir, "notes.mp3")), (e) => e instanceof ProviderError && !e.transient);
  }));
