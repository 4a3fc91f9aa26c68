import assert from "node:assert/strict";
import { join } from "node:path";
import { type ExportOptions, type ExportScene, planExport } from "./plan.ts";
import { renderExport } from "./render.ts";
import { countVideoFrames, probeMedia } from "../probe.ts";
import { makeClip, makeStill, makeTone, withTempDir } from "../fixtures/make_media.ts";
import { processesMentioning } from "../../providers/fixtures/media_checks.ts";
import { runFfmpeg } from "../../providers/ffmpeg.ts";

const OPTIONS: ExportOptions = {
  fps: 24,
  width: 320,
  height: 180,
  defaultSceneMs: 2000,
  placeholders: true,
  captions: { burnIn: true, sidecar: true },
};

/** Four scenes: a clip with long narration, a still with narration, a clip alone, nothing (placeholder). */
async function fourScenes(dir: string): Promise<ExportScene[]> {
  const clip = await makeClip(join(dir, "clip.mp4"), { seconds: 2, width: 320, height: 180, fps: 24 });
  const still = await makeStill(join(dir, "still.png"), 640, 360);
  const long = await makeTone(join(dir, "long.m4a"), 3.01, "m4a");
  const short = await makeTone(join(dir, "short.mp3"), 1.5, "mp3");
  const longMs = (await probeMedia(long)).durationMs!;
  const shortMs = (await probeMedia(short)).durationMs!;
  return [
    {
      number: 1,
      text: "The keeper climbed the stairs.",
      clip: { path: clip, durationMs: 2000 },
      audio: { path: long, durationMs: longMs },
    },
    { number: 2, text: "The lamp was lit.", still: { path: still }, audio: { path: short, durationMs: shortMs } },
    { number: 3, text: "Ships passed safely.", clip: { path: clip, durationMs: 2000 } },
    { number: 4, text: "Dawn came." },
  ];
}

/** Loudest sample (dB) of the export's audio between two times. */
async function peakDb(path: string, fromMs: number, toMs: number): Promise<number> {
  const { stderr } = await runFfmpeg([
    "-loglevel",
    "info",
    "-ss",
    (fromMs / 1000).toFixed(3),
    "-t",
    ((toMs - fromMs) / 1000).toFixed(3),
    "-i",
    `file:${path}`,
    "-map",
    "0:a:0",
    "-af",
    "volumedetect",
    "-f",
    "null",
    "-",
  ]);
  const match = /max_volume: (-?inf|-?[\d.]+) dB/.exec(stderr)!;
  return match[1].endsWith("inf") ? -Infinity : Number(match[1]);
}

/** Cue start/end times (ms) and text read back from an .srt or .vtt file. */
function readCues(text: string): { startMs: number; endMs: number; text: string }[] {
  const ms = (t: string) => {
    const [h, m, s] = t.replace(",", ".").split(":");
    return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000);
  };
  return [...text.matchAll(/(\d\d:\d\d:\d\d[,.]\d{3}) --> (\d\d:\d\d:\d\d[,.]\d{3})\n((?:.+\n?)+)/g)].map((m) => ({
    startMs: ms(m[1]),
    endMs: ms(m[2]),
    text: m[3].trim(),
  }));
}

for (const chunkScenes of [2]) {
  Deno.test("export: clip, still, narration and placeholder in one MP4, joined frame- and sample-exactly from two chunks", () =>
    withTempDir(async (dir) => {
      const result = planExport(await fourScenes(dir), OPTIONS);
      assert.ok(result.ok);
      const { plan } = result;
      assert.deepEqual(plan.scenes.map((s) => [s.frames, s.visual.kind]), [[73, "clip"], [37, "still"], [48, "clip"], [
        48,
        "placeholder",
      ]]);
      const progress: number[] = [];
      const started = performance.now();
      const out = await renderExport(plan, join(dir, "story.mp4"), {
        chunkScenes,
        onProgress: (f) => progress.push(f),
      });
      console.log(`  export of 4 scenes at 320×180: ${Math.round(performance.now() - started)} ms`);

      const frameMs = 1000 / 24;
      const sum = plan.scenes.reduce((n, s) => n + s.durationMs, 0);
      const probed = await probeMedia(out.path);
      assert.ok(Math.abs(probed.durationMs! - sum) <= frameMs, `duration ${probed.durationMs} ms vs scenes ${sum} ms`);
      assert.equal(await countVideoFrames(out.path), plan.totalFrames, "every planned frame, no more");
      assert.deepEqual(probed.streams.map((s) => [s.type, s.codec]), [["video", "h264"], ["audio", "aac"]]);
      assert.deepEqual([probed.streams[0].width, probed.streams[0].height, probed.streams[0].fps], [320, 180, 24]);

      // Narration where a scene has one, silence where it has none.
      const [one, two, three, four] = plan.scenes;
      assert.ok(await peakDb(out.path, one.startMs + 100, one.startMs + 2900) > -30, "scene 1 narrated");
      assert.ok(await peakDb(out.path, two.startMs + 100, two.startMs + 1400) > -30, "scene 2 narrated");
      assert.ok(
        await peakDb(out.path, three.startMs + 100, four.startMs + four.durationMs - 100) < -60,
        "scenes 3–4 silent",
      );

      // Sidecar captions: in order, back to back, on the scene boundaries.
      for (const path of [out.srtPath!, out.vttPath!]) {
        const cues = readCues(await Deno.readTextFile(path));
        assert.deepEqual(cues.map((c) => c.text), [
          "The keeper climbed the stairs.",
          "The lamp was lit.",
          "Ships passed safely.",
          "Dawn came.",
        ]);
        assert.deepEqual(
          cues.map((c) => [c.startMs, c.endMs]),
          plan.scenes.map((s) => [s.startMs, s.startMs + s.durationMs]),
        );
      }
      assert.match(await Deno.readTextFile(out.vttPath!), /^WEBVTT\n/);
      assert.ok(
        progress.at(-1) === 1 && progress.every((f, i) => i === 0 || f >= progress[i - 1]),
        "progress rises to 1",
      );
      assert.deepEqual(
        [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("story") || n.startsWith(".")).sort(),
        ["story.mp4", "story.srt", "story.vtt"],
        "no temporary files left",
      );
    }));
}

Deno.test("export: burned-in captions are drawn on the picture", () =>
  withTempDir(async (dir) => {
    const scenes: ExportScene[] = [{
      number: 1,
      text: "Caption text.",
      still: { path: await makeStill(join(dir, "s.png"), 320, 180) },
    }];
    const frameAt = async (burnIn: boolean) => {
      const result = planExport(scenes, { ...OPTIONS, captions: { burnIn, sidecar: false } });
      assert.ok(result.ok);
      const out = await renderExport(result.plan, join(dir, `${burnIn}.mp4`));
      assert.equal(out.srtPath, undefined);
      const png = join(dir, `${burnIn}.png`);
      // The caption sits at the bottom: compare the bottom strips of the first frame.
      await runFfmpeg([
        "-loglevel",
        "error",
        "-i",
        `file:${out.path}`,
        "-vf",
        "crop=320:40:0:140",
        "-frames:v",
        "1",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-y",
        `file:${png}`,
      ]);
      return await Deno.readFile(png);
    };
    const plain = await frameAt(false);
    const captioned = await frameAt(true);
    const changed = plain.filter((v, i) => Math.abs(v - captioned[i]) > 40).length;
    assert.ok(changed > 200, `${changed} pixels of the bottom strip changed by the caption`);
  }));

Deno.test("export: aborting mid-render kills ffmpeg and leaves no file", () =>
  withTempDir(async (dir) => {
    const clip = await makeClip(join(dir, "clip.mp4"), { seconds: 4, width: 640, height: 360, fps: 24 });
    const scenes: ExportScene[] = Array.from(
      { length: 8 },
      (_, i) => ({ number: i + 1, text: `Scene ${i + 1}.`, clip: { path: clip, durationMs: 4000 } }),
    );
    const result = planExport(scenes, { ...OPTIONS, width: 640, height: 360 });
    assert.ok(result.ok);
    const controller = new AbortController();
    const outDir = join(dir, "out");
    await Deno.mkdir(outDir);
    const pending = renderExport(result.plan, join(outDir, "story.mp4"), {
      signal: controller.signal,
      chunkScenes: 4,
      onProgress: (f) => {
        if (f > 0.05) controller.abort();
      },
    });
    await assert.rejects(pending, (e) => e instanceof DOMException && e.name === "AbortError");
    assert.deepEqual(processesMentioning(dir), [], "no ffmpeg left running");
    assert.deepEqual([...Deno.readDirSync(outDir)], [], "no partial export");
  }));
