/**
 * How narration is made for ./part_task.ts (task `generate_audio`, queue `audio`).
 *
 * - When the voice reads whole sections (it times them itself, or a transcription server is set:
 *   media/audio/narrate_section.ts readsSections), a job claims its sentence and the other queued
 *   sentences of its section and run (core/engine/section_claim.ts), reads them in one request and
 *   cuts the file at the sentence boundaries. Should the voice refuse the section for good (a
 *   permanent error, e.g. a `[fail]` marker in one sentence), the sentences are read one by one so
 *   only the sentence at fault fails.
 * - Otherwise (the offline voice) each sentence is its own job.
 *
 * Each sentence's take is its file (stored with the extension of the MIME type the voice returned),
 * its duration and its word timings; its prompt is the sentence text.
 */
import { type ClaimedPart, claimPart } from "../../core/engine/transitions.ts";
import { claimSectionNarration } from "../../core/engine/section_claim.ts";
import { extensionFor } from "../../core/system/mime.ts";
import { narrateSection, readsSections } from "../../media/audio/narrate_section.ts";
import { type MediaFile, newMediaFile } from "../../media/store.ts";
import { ProviderError, type SpeechResult } from "../../providers/audio/types.ts";
import { progressReporter } from "./media_maker.ts";
import type { PartMaker, PartOutcome, TaskContext } from "./part_task.ts";
import { validateMediaFile } from "../../media/validate.ts";

/** The maker of narration parts. */
export const narrationMaker: PartMaker = {
  part: "audio",
  async claim(ctx, target) {
    if (readsSections(ctx.providers.audio, ctx.transcriber)) return await claimSectionNarration(ctx.sql, target);
    const claim = await claimPart(ctx.sql, { part: "audio", ...target });
    return claim ? [claim] : [];
  },
  async make(ctx, claims, signal, files) {
    const started = performance.now();
    for (const [i, claim] of claims.entries()) files[i].push(await newMediaFile(ctx.dataDir, claim));
    const results = await narrate(ctx, claims, signal, files);
    const elapsedMs = Math.round((performance.now() - started) / claims.length);
    const outcomes: PartOutcome[] = [];
    for (const [i, result] of results.entries()) {
      if ("error" in result) {
        outcomes.push(result);
        continue;
      }
      const file = await placeByType(ctx, claims[i], files[i], result.mimeType);
      // A cut-off or empty recording (a full disk, a broken voice) is not stored as done.
      const problem = await validateMediaFile(file.absolute, "audio", { signal });
      if (problem) {
        outcomes.push({ error: new ProviderError(problem, { transient: true }) });
        continue;
      }
      outcomes.push({
        take: {
          path: file.relative,
          durationMs: Math.round(result.durationMs),
          words: result.words ?? null,
          provider: ctx.providers.audio.name,
          elapsedMs,
        },
      });
    }
    return outcomes;
  },
};

/** Reads the claimed sentences: as one section when there are several, else (or as a fallback) one by one. */
async function narrate(
  ctx: TaskContext,
  claims: ClaimedPart[],
  signal: AbortSignal,
  files: MediaFile[][],
): Promise<(SpeechResult | { error: unknown })[]> {
  const { onProgress } = progressReporter(ctx, claims[0], signal);
  if (claims.length > 1) {
    try {
      const { sentences } = await narrateSection({
        provider: ctx.providers.audio,
        transcriber: ctx.transcriber,
        sentences: claims.map((c, i) => ({ text: c.prompt, outPath: files[i][0].absolute })),
        signal,
        attempt: claims[0].attempt,
        onProgress,
      });
      return sentences;
    } catch (error) {
      if (signal.aborted || !(error instanceof ProviderError) || error.transient) throw error;
      ctx.log(`The voice refused section reading (${error.message}); reading its sentences one by one.`);
    }
  }
  const results: (SpeechResult | { error: unknown })[] = [];
  for (const [i, claim] of claims.entries()) {
    try {
      results.push(
        await ctx.providers.audio.synthesize({
          text: claim.prompt,
          outPath: files[i][0].absolute,
          signal,
          attempt: claim.attempt,
          onProgress: claims.length === 1 ? onProgress : undefined,
        }),
      );
    } catch (error) {
      // One sentence alone: its failure is the attempt's. Several: only this one fails.
      if (signal.aborted || claims.length === 1) throw error;
      results.push({ error });
    }
  }
  return results;
}

/**
 * The narration file under the extension its MIME type calls for: the file was reserved as .m4a (the
 * narration format); a voice that wrote another format (the simulated one writes WAV) gets it renamed.
 */
async function placeByType(
  ctx: TaskContext,
  claim: ClaimedPart,
  files: MediaFile[],
  mimeType: string,
): Promise<MediaFile> {
  const ext = extensionFor(mimeType);
  if (!ext) {
    throw new ProviderError(`The voice returned audio of an unknown type (${mimeType}).`, { transient: false });
  }
  if (files[0].relative.endsWith(`.${ext}`)) return files[0];
  const renamed = await newMediaFile(ctx.dataDir, claim, { ext });
  await Deno.rename(files[0].absolute, renamed.absolute);
  files[0] = renamed;
  return renamed;
}
