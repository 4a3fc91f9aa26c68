import assert from "node:assert/strict";
import { join } from "node:path";
import { acceptRecording, UploadError } from "./upload.ts";
import { probeMedia } from "../probe.ts";
import { makeStill, makeTone, withTempDir } from "../fixtures/make_media.ts";

const streamOf = async (path: string) => (await Deno.open(path)).readable;
const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

for (const format of ["mp3", "wav", "m4a"] as const) {
  Deno.test(`upload: a ${format} recording is checked and stored as AAC narration`, () =>
    withTempDir(async (dir) => {
      // Named .bin: the bytes decide, not the name.
      const source = await makeTone(join(dir, `in-${format}.bin`), 2.5, format);
      const out = join(dir, "narration.m4a");
      const result = await acceptRecording(await streamOf(source), out);
      assert.equal(result.sourceKind, format);
      assert.equal(result.mimeType, "audio/mp4");
      assert.ok(Math.abs(result.durationMs - 2500) <= 60, `duration ${result.durationMs}`);
      const probed = await probeMedia(out);
      assert.deepEqual(probed.streams, [{ index: 0, type: "audio", codec: "aac", sampleRate: 48000, channels: 1 }]);
      assert.deepEqual(names(dir), [`in-${format}.bin`, "narration.m4a"], "no temporary files left");
    }));
}

async function refused(
  dir: string,
  source: string | Uint8Array,
  status: number,
  pattern: RegExp,
  options: Parameters<typeof acceptRecording>[2] = {},
) {
  const before = names(dir);
  const stream = typeof source === "string" ? await streamOf(source) : new Blob([new Uint8Array(source)]).stream();
  await assert.rejects(acceptRecording(stream, join(dir, "narration.m4a"), options), (e) => {
    assert.ok(e instanceof UploadError, String(e));
    assert.equal(e.status, status);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\/tmp\/|studio-|\.part/, "no server paths");
    return true;
  });
  assert.deepEqual(names(dir), before, "nothing left behind");
}

Deno.test("upload: a text file named .mp3 is not audio", () =>
  withTempDir(async (dir) => {
    const fake = join(dir, "song.mp3");
    await Deno.writeTextFile(fake, "This is my narration script, not a recording.\n".repeat(20));
    await refused(
      dir,
      fake,
      415,
      /^This is not an audio recording \(it looks like a text file\)\. Upload an MP3, WAV or M4A/,
    );
  }));

Deno.test("upload: an image is not audio, an Ogg file is an unsupported format", () =>
  withTempDir(async (dir) => {
    await refused(dir, await makeStill(join(dir, "pic.mp3"), 32, 32), 415, /looks like a PNG image/);
    await refused(
      dir,
      await makeTone(join(dir, "a.ogg"), 1, "ogg"),
      415,
      /^This is an Ogg file, which is not accepted\. Export the recording as MP3, WAV or M4A/,
    );
  }));

Deno.test("upload: empty, silent and too short recordings are refused", () =>
  withTempDir(async (dir) => {
    await refused(dir, new Uint8Array(0), 422, /^The file is empty\./);
    await refused(dir, await makeTone(join(dir, "quiet.wav"), 2, "wav", 0), 422, /^This recording is silent\./);
    await refused(
      dir,
      await makeTone(join(dir, "blip.mp3"), 0.1, "mp3"),
      422,
      /^This recording is too short \(0\.\d s\); a narration needs at least 0\.3 s\./,
    );
  }));

Deno.test("upload: too long and too big recordings are refused", () =>
  withTempDir(async (dir) => {
    const tone = await makeTone(join(dir, "long.wav"), 3, "wav");
    await refused(dir, tone, 422, /^This recording is 3 s long; a narration may be at most 2 s\. Trim it/, {
      maxDurationMs: 2000,
    });
    await refused(dir, tone, 413, /^The file is larger than 0 MB|^The file is larger than/, { maxBytes: 100_000 });
  }));

Deno.test("upload: a damaged recording is refused as damaged", () =>
  withTempDir(async (dir) => {
    const whole = await Deno.readFile(await makeTone(join(dir, "whole.m4a"), 2, "m4a"));
    // Without faststart the index is at the end: half the file has no index.
    await refused(
      dir,
      whole.subarray(0, Math.floor(whole.length / 2)),
      422,
      /^This file starts like an M4A \(MP4 audio\) recording but could not be read; it may be damaged/,
    );
  }));

Deno.test("upload: aborting while streaming stops and leaves nothing", () =>
  withTempDir(async (dir) => {
    const controller = new AbortController();
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++pulls === 5) controller.abort();
        c.enqueue(new Uint8Array(1024));
      },
    });
    await assert.rejects(acceptRecording(endless, join(dir, "n.m4a"), { signal: controller.signal }), (e) =>
      e instanceof DOMException && e.name === "AbortError");
    assert.deepEqual(names(dir), []);
  }));
