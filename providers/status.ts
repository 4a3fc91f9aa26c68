/**
 * What the studio can say about its generation backends, for `GET /api/v1/status` and the
 * storyboard's backend badge, and the check made before a run is queued: a GPU server that cannot
 * be reached, or lacks a model or node the workflow needs, is reported in one sentence and nothing
 * is queued.
 */
import { ConflictError, UnavailableError } from "../core/domain/errors.ts";
import type { Providers } from "./from_config.ts";
import { type MediaKind, ProviderError, type ProviderStatus } from "./types.ts";

/** One part's backend as `GET /api/v1/status` shows it. */
export interface BackendStatus extends ProviderStatus {
  /** The provider's name: "draft", "simulated", "comfyui". */
  provider: string;
}

/**
 * The status of the backend of each part. Providers without a server (draft, simulated) are
 * always reachable; servers are asked (never longer than a few seconds; never throws).
 */
export async function backendStatus(providers: Providers): Promise<Record<MediaKind, BackendStatus>> {
  const [image, video] = await Promise.all((["image", "video"] as const).map(async (kind) => {
    const provider = providers[kind];
    const status: ProviderStatus = provider.status ? await provider.status(kind) : { reachable: true };
    return { provider: provider.name, ...status };
  }));
  return { image, video };
}

/**
 * Checks, before queuing anything, that the backends of `kinds` can take work: UnavailableError
 * (503) when a server cannot be reached, ConflictError (409) when it lacks what the workflow needs
 * — each one sentence saying what to do, with "nothing was queued".
 */
export async function checkBackends(providers: Providers, kinds: MediaKind[]): Promise<void> {
  for (const kind of new Set(kinds)) {
    const provider = providers[kind];
    if (!provider.preflight) continue;
    try {
      await provider.preflight(kind);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const message = `${/[.?!]$/.test(error.message) ? error.message : `${error.message}.`} Nothing was queued.`;
      throw error.transient ? new UnavailableError(message) : new ConflictError(message);
    }
  }
}
