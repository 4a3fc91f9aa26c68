import { deepEqual, equal } from "node:assert/strict";
import { makeClip, makeTone, withTempDir } from "./fixtures/make_media.ts";
import { mp4Facts } from "./mp4_facts.ts";
import { probeMedia } from "./probe.ts";

Deno.test("an H.264 clip's length and video track are read from its boxes, as ffmpeg reports them", async () => {
  await withTempDir(async (dir) => {
    const path = await makeClip(`${dir}/clip.mp4`, { seconds: 2, width: 320, height: 180, fps: 24 });
    const facts = mp4Facts(await Deno.readFile(path));
    const probe = await probeMedia(path);
    equal(facts?.hasVideo, true);
    equal(Math.abs(facts!.durationMs - probe.durationMs!) <= 20, true, `${facts!.durationMs} vs ${probe.durationMs}`);
  });
});

Deno.test("an audio-only MP4 has no video track; bytes that are no MP4 give null", async () => {
  await withTempDir(async (dir) => {
    const path = await makeTone(`${dir}/tone.m4a`, 1, "m4a");
    equal(mp4Facts(await Deno.readFile(path))?.hasVideo, false);
  });
  deepEqual(mp4Facts(new TextEncoder().encode("not a video at all")), null);
  deepEqual(mp4Facts(new Uint8Array(0)), null);
});
