/**
 * The contract every image/video backend implements: draft (offline ffmpeg), simulated (tests and
 * benchmarks) and, later, ComfyUI. Providers know nothing about projects, runs or the database: they
 * turn a prompt (and an image) into a file at `outPath`, honour `signal`, and report failures as
 * {@link ProviderError} so the engine can tell transient from permanent ones.
 */

/** Which kind of media a request or a server is about. */
export type MediaKind = "image" | "video";

/**
 * Where a request stands on a shared backend: `waiting` = queued behind other work on the server
 * (the card says "Waiting for the GPU"), `running` = it executes now ("Generating").
 */
export interface RequestPhase {
  phase: "waiting" | "running";
  /** Prompts ahead of ours in the server's queue (running ones included), when known. */
  queueAhead?: number;
}

/** What every generation request carries, image or video. */
export interface GenerationRequest {
  prompt: string;
  width: number;
  height: number;
  seed: number;
  /** 1 for the first try of this scene part, 2 for the first retry, … */
  attempt: number;
  /** Absolute path the provider must write the file to (a PNG for an image, an MP4 for a video; the directory exists). */
  outPath: string;
  /** Aborted when the run is cancelled or the worker shuts down: stop work and reject. */
  signal: AbortSignal;
  /** Optional progress callback, fraction 0..1. */
  onProgress?: (fraction: number) => void;
  /** Optional: told when the request starts waiting on a shared server, or starts running there. */
  onStatus?: (status: RequestPhase) => void;
  /** Optional: how many attempts the engine makes in all, so the last one can say what to change. */
  maxAttempts?: number;
  /**
   * Optional: the GPU server the engine assigned this part to, one of the provider's servers when
   * work is spread over several (core/engine/gpu_servers.ts); else the provider's own choice.
   */
  server?: string;
}

/** What to generate a still image from: `outPath` is the PNG to write. */
export type ImageRequest = GenerationRequest;

/** What to animate a still image into a clip from: `outPath` is the MP4 to write. */
export interface VideoRequest extends GenerationRequest {
  /** Absolute path of the source PNG. */
  image: string;
  seconds: number;
  fps: number;
}

/** A file the provider wrote, and (optionally) what it actually made: sizes and clip length may be rounded. */
export interface GeneratedMedia {
  path: string;
  mimeType: "image/png" | "video/mp4";
  width?: number;
  height?: number;
  /** Clip length in ms (videos). */
  durationMs?: number;
  /** Frames of the clip (videos). */
  frames?: number;
  /** Frame rate of the clip (videos). */
  fps?: number;
}

/** What a backend server says about itself (ComfyUI: /system_stats and /queue). */
export interface ProviderStatus {
  reachable: boolean;
  /** The server's base URL. */
  server?: string;
  /** Why it is not reachable, or a note, as a sentence. */
  message?: string;
  gpu?: { name: string; vramTotal: number; vramFree: number };
  /** Prompts the server runs now and has waiting, everyone's. */
  queue?: { running: number; pending: number };
}

/** A clip length on a workflow's frame grid. */
export interface VideoTiming {
  frames: number;
  fps: number;
  /** What the clip really lasts: frames / fps. */
  seconds: number;
}

/** An image and video backend. The optional members are offered by server backends (ComfyUI). */
export interface MediaProvider {
  readonly name: string;
  generateImage(request: ImageRequest): Promise<GeneratedMedia>;
  imageToVideo(request: VideoRequest): Promise<GeneratedMedia>;
  /** Reachability, GPU and queue of the server that serves `kind` (default "image"). Never throws. */
  status?(kind?: MediaKind): Promise<ProviderStatus>;
  /**
   * Checks that the server can run the configured workflow(s) (`kind`, or both when omitted); throws
   * a permanent {@link ProviderError} with one sentence saying what is missing and how to fix it, or
   * a transient one when the server cannot be reached.
   */
  preflight?(kind?: MediaKind): Promise<void>;
  /** The clip length this backend will really make for `seconds` (frames on its grid). */
  videoTiming?(seconds: number): VideoTiming;
  /** The base URL serving `kind`, so callers can tell one server from two. */
  serverKey?(kind: MediaKind): string;
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
