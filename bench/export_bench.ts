/**
 * Narration and export timings on this machine, for the demo project ("The Lighthouse Keeper", 24
 * sentences): the offline voice per sentence, then an export of 24 scenes at 1280×720, 24 fps, from
 * draft clips (the project's draft provider) with the offline narration, rendered with several
 * chunk sizes (scenes per ffmpeg run). Inputs go to a temporary folder that is removed afterwards.
 *
 * Run: `deno run -A bench/export_bench.ts [--keep]`. Takes a few minutes on two cores.
 */
import { join } from "node:path";
import { DEMO_SCRIPT } from "../core/domain/demo.ts";
import { splitScript } from "../core/domain/script_import.ts";
import { createDraftProvider } from "../providers/draft.ts";
import { createFliteProvider } from "../providers/audio/flite.ts";
import { type ExportScene, planExport } from "../media/export/plan.ts";
import { renderExport } from "../media/export/render.ts";
import { probeMedia } from "../media/probe.ts";

const keep = Deno.args.includes("--keep");
const dir = await Deno.makeTempDir({ prefix: "studio-export-bench-" });
const signal = new AbortController().signal;
const sentences = splitScript(DEMO_SCRIPT).flatMap((section) => section.sentences);
const ms = (start: number) => Math.round(performance.now() - start);

try {
  const flite = createFliteProvider();
  const voiceTimes: number[] = [];
  const narration: { path: string; durationMs: number; words?: { text: string; startMs: number; endMs: number }[] }[] =
    [];
  for (const [i, text] of sentences.entries()) {
    const started = performance.now();
    narration.push(await flite.synthesize({ text, outPath: join(dir, `a${i}.m4a`), signal, attempt: 1 }));
    voiceTimes.push(ms(started));
  }
  const spoken = narration.reduce((n, a) => n + a.durationMs, 0);
  const sorted = [...voiceTimes].sort((a, b) => a - b);
  console.log(
    `offline voice: ${sentences.length} sentences in ${voiceTimes.reduce((a, b) => a + b, 0)} ms ` +
      `(first ${voiceTimes[0]} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms) ` +
      `for ${(spoken / 1000).toFixed(1)} s of speech`,
  );

  const draft = createDraftProvider();
  let started = performance.now();
  const scenes: ExportScene[] = [];
  for (const [i, text] of sentences.entries()) {
    const image = await draft.generateImage({
      prompt: text,
      width: 1280,
      height: 720,
      seed: i,
      attempt: 1,
      outPath: join(dir, `i${i}.png`),
      signal,
    });
    const clip = await draft.imageToVideo({
      image: image.path,
      prompt: text,
      seconds: 4,
      fps: 24,
      width: 1280,
      height: 720,
      seed: i,
      attempt: 1,
      outPath: join(dir, `v${i}.mp4`),
      signal,
    });
    scenes.push({
      number: i + 1,
      text,
      clip: { path: clip.path, durationMs: (await probeMedia(clip.path)).durationMs! },
      audio: narration[i],
    });
  }
  console.log(`draft inputs (24 images + 4 s clips at 1280×720): ${ms(started)} ms`);

  const result = planExport(scenes, {
    fps: 24,
    width: 1280,
    height: 720,
    defaultSceneMs: 4000,
    placeholders: false,
    captions: { burnIn: true, sidecar: true },
  });
  if (!result.ok) throw new Error(result.message);
  console.log(`export plan: ${result.plan.totalFrames} frames, ${(result.plan.durationMs / 1000).toFixed(1)} s`);
  for (const chunkScenes of [24, 12, 6, 1]) {
    started = performance.now();
    await renderExport(result.plan, join(dir, `export-${chunkScenes}.mp4`), { signal, chunkScenes });
    console.log(`export, ${chunkScenes} scene(s) per ffmpeg run: ${ms(started)} ms`);
  }
} finally {
  if (keep) console.log(`kept ${dir}`);
  else await Deno.remove(dir, { recursive: true });
}
