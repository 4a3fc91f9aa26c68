/**
 * The contract every image/video backend implements: draft (offline ffmpeg), simulated (tests and
 * benchmarks) and, later, ComfyUI. Providers know nothing about projects, runs or the database: they
 * turn a prompt (and an image) into a file at `outPath`, honour `signal`, and report failures as
 * {@link ProviderError} so the engine can tell transient from permanent ones.
 */

/** What to generate a still image from. */
export interface ImageRequest {
  prompt: string;
  width: number;
  height: number;
  seed: number;
  /** 1 for the first try of this scene part, 2 for the first retry, … */
  attempt: number;
  /** Absolute path the provider must write the PNG to (the directory exists). */
  outPath: string;
  /** Aborted when the run is cancelled or the worker shuts down: stop work and reject. */
  signal: AbortSignal;
  /** Optional progress callback, fraction 0..1. */
  onProgress?: (fraction: number) => void;
  /**
   * Optional: what the request is doing — `waiting` behind other work on the backend (e.g. in
   * ComfyUI's queue), or `running`.
   */
  onStatus?: (status: { phase: "waiting" | "running"; queueAhead?: number }) => void;
}

/** What to animate a still image into a clip from. */
export interface VideoRequest {
  /** Absolute path of the source PNG. */
  image: string;
  prompt: string;
  seconds: number;
  fps: number;
  width: number;
  height: number;
  seed: number;
  attempt: number;
  /** Absolute path the provider must write the MP4 to (the directory exists). */
  outPath: string;
  signal: AbortSignal;
  onProgress?: (fraction: number) => void;
  onStatus?: (status: { phase: "waiting" | "running"; queueAhead?: number }) => void;
}

/** A file the provider wrote, and what it actually made when the provider knows. */
export interface GeneratedMedia {
  path: string;
  mimeType: "image/png" | "video/mp4";
  width?: number;
  height?: number;
  durationMs?: number;
  frames?: number;
  fps?: number;
}

/** An image and video backend. */
export interface MediaProvider {
  readonly name: string;
  generateImage(request: ImageRequest): Promise<GeneratedMedia>;
  imageToVideo(request: VideoRequest): Promise<GeneratedMedia>;
}

/**
 * A failure the provider understood. `transient` failures (timeouts, refused connections, out of
 * memory) are worth retrying with backoff; permanent ones (invalid prompt, missing model) are not.
 * The message is shown to the creator as is, so it must be a sentence they can act on.
 */
export class ProviderError extends Error {
  readonly transient: boolean;
  constructor(message: string, options: { transient: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.transient = options.transient;
  }
}
