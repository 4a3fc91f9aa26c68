/**
 * How images and videos are made for ./part_task.ts: one job, one part, claimed with
 * core/engine/transitions.ts claimPart; the kind's provider writes the file (a thumbnail of
 * anything larger than a thumbnail is made afterwards by its own task, so the GPU queue does not
 * wait for it). A video is made as long as its scene's narration when it has one (else the
 * project's clip length).
 */
import { type ClaimedPart, claimPart, reportPhase, reportProgress } from "../../core/engine/transitions.ts";
import { type MediaFile, mediaPath, newMediaFile } from "../../media/store.ts";
import { THUMB_MAX_BYTES } from "../../media/thumbnail.ts";
import { mp4Facts } from "../../media/mp4_facts.ts";
import { probeMedia } from "../../media/probe.ts";
import { validateMediaFile } from "../../media/validate.ts";
import { ProviderError } from "../../providers/types.ts";
import { frameSize, VIDEO_FPS } from "../../media/frame_size.ts";
import type { PartMaker, TaskContext } from "./part_task.ts";

/** A video's source image cannot be read: the image is made again first (transitions.ts redoSourceImage). */
export class SourceImageBroken extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SourceImageBroken";
  }
}

/** How often a running part reports provider progress as an event, at most. */
export const PROGRESS_EVERY_MS = 2000;

/** The maker of images (`image`) or clips (`video`). */
export function mediaMaker(part: "image" | "video"): PartMaker {
  return {
    part,
    async claim(ctx, target) {
      const claim = await claimPart(ctx.sql, { part, ...target });
      return claim ? [claim] : [];
    },
    async make(ctx, [claim], signal, [files]) {
      const started = performance.now();
      const made = await generate(ctx, claim, signal, files);
      const checked = await checkOutput(files[0].absolute, part, signal);
      return [{
        take: {
          path: files[0].relative,
          needsThumbnail: made.bytes > THUMB_MAX_BYTES,
          clipSeconds: part === "video" ? videoSeconds(claim) : null,
          // A clip's length is stored (the export needs it); ask the file when the provider did not say.
          durationMs: made.durationMs ?? checked.durationMs,
          width: made.width ?? null,
          height: made.height ?? null,
          provider: ctx.providers[part].name,
          elapsedMs: Math.round(performance.now() - started),
        },
      }];
    },
  };
}

/**
 * Checks a generated file before its part is done (a full disk or a crashed backend can leave one
 * empty or cut off): its signature and structure (a PNG decoded, an MP4's boxes walked), and for a
 * clip its video track and length (read from its boxes, else probed with ffmpeg). A bad file is a transient failure with a
 * sentence for the creator (no server paths).
 */
async function checkOutput(
  path: string,
  part: "image" | "video",
  signal: AbortSignal,
): Promise<{ durationMs: number | null }> {
  const problem = await validateMediaFile(path, part, { decodeVideo: false, signal });
  if (problem) throw new ProviderError(problem, { transient: true });
  if (part === "image") return { durationMs: null };
  // The clip's own boxes usually say it all (microseconds); ffmpeg is asked only when they do not.
  const facts = mp4Facts(await Deno.readFile(path));
  if (facts?.hasVideo) return { durationMs: facts.durationMs };
  const probe = await probeMedia(path, { signal }).catch(() => null);
  if (!probe?.streams.some((s) => s.type === "video") || !probe.durationMs) {
    throw new ProviderError("The generated video has no playable video stream; it will be made again.", {
      transient: true,
    });
  }
  return { durationMs: Math.round(probe.durationMs) };
}

/** The clip length a video is made for: its narration's length when it has narration. */
function videoSeconds(claim: ClaimedPart): number {
  return claim.narrationMs !== null ? Math.max(1, claim.narrationMs / 1000) : claim.clipSeconds;
}

/** Progress and phase callbacks for a provider working on `claim`: throttled events. */
export function progressReporter(ctx: TaskContext, claim: ClaimedPart, signal: AbortSignal) {
  let lastProgress = performance.now();
  return {
    onProgress(fraction: number) {
      const now = performance.now();
      if (!(fraction > 0 && fraction < 1) || now - lastProgress < PROGRESS_EVERY_MS || signal.aborted) return;
      lastProgress = now;
      reportProgress(ctx.sql, claim, fraction).catch(() => {});
    },
    onStatus(status: { phase: "waiting" | "running" }) {
      if (signal.aborted) return;
      reportPhase(ctx.sql, claim, status.phase === "waiting" ? "waiting" : null).catch(() => {});
    },
  };
}

/**
 * Calls the provider for the claimed part; returns what it made and the file's size. Files it
 * reserves are pushed to `files`, so the caller can delete them whatever happens.
 */
async function generate(ctx: TaskContext, claim: ClaimedPart, signal: AbortSignal, files: MediaFile[]) {
  signal.throwIfAborted();
  if (claim.part === "video") {
    // The still the clip is made from must be readable, or the image is made again first.
    const problem = await validateMediaFile(mediaPath(ctx.dataDir, claim.imagePath!), "image").catch((error) =>
      `could not be read (${(error as Error).name})`
    );
    if (problem) {
      throw new SourceImageBroken(
        `This scene's image was damaged (${
          problem.replace(/^The generated image /, "").replace(/\.$/, "")
        }), so it is being made again; the video follows it.`,
      );
    }
  }
  const file = await newMediaFile(ctx.dataDir, claim);
  files.push(file);
  const request = {
    prompt: claim.prompt,
    ...frameSize(claim.aspectRatio),
    seed: claim.seed,
    attempt: claim.attempt,
    maxAttempts: ctx.settings.maxAttempts,
    outPath: file.absolute,
    server: claim.server,
    signal,
    ...progressReporter(ctx, claim, signal),
  };
  const made = claim.part === "image"
    ? await ctx.providers.image.generateImage(request)
    : await ctx.providers.video.imageToVideo({
      ...request,
      image: mediaPath(ctx.dataDir, claim.imagePath!),
      seconds: videoSeconds(claim),
      fps: VIDEO_FPS,
    });
  return { ...made, bytes: (await Deno.stat(file.absolute)).size };
}
