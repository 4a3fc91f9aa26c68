import type { PartName, PartView } from "../core/types.ts";
import { PART_LABELS, STATUS_LABELS } from "./status_labels.ts";

/**
 * The image or video slot of a scene card: the media when there is some, and its status (with the
 * error when it failed). Pure Preact: the SceneMedia island renders it on the server and in the
 * browser, where it follows the live stream.
 */
export function ScenePartView(
  props: {
    part: PartName;
    state: Pick<PartView, "status" | "url" | "error"> & Partial<Pick<PartView, "thumbUrl">>;
    poster?: string | null;
    /** The scene, as the media's accessible names say it ("Scene 7"). */
    label: string;
    /** Shown on an idle video whose image is on its way: the clip follows the image. */
    waitingFor?: string;
    /** Render the error message in the caption (default); false when the caller shows it. */
    showError?: boolean;
  },
) {
  const { part, state } = props;
  const busy = state.status === "queued" || state.status === "running";
  return (
    <figure
      class={`scene-part scene-part--${part} status-${state.status}`}
      data-part={part}
      data-status={state.status}
      aria-busy={busy ? "true" : undefined}
    >
      <div class="scene-media">
        {state.url && part === "image" && (
          <img src={state.thumbUrl ?? state.url} alt={`Image for ${props.label}`} loading="lazy" />
        )}
        {state.url && part === "video" && (
          <video
            src={state.url}
            poster={state.thumbUrl ?? props.poster ?? undefined}
            muted
            loop
            playsInline
            controls
            preload="none"
            aria-label={`Clip for ${props.label}`}
          />
        )}
        {!state.url && state.status !== "running" && <div class="scene-placeholder" aria-hidden="true" />}
        {state.status === "running" && <span class="spinner" aria-hidden="true" />}
      </div>
      <figcaption>
        <span class="part-name">{PART_LABELS[part]}</span>{" "}
        <span class={`badge badge-${state.status}`}>
          {state.status === "idle" && props.waitingFor ? props.waitingFor : STATUS_LABELS[state.status]}
        </span>
        {state.status === "failed" && state.error && props.showError !== false && (
          <p class="part-error" role="note">{state.error}</p>
        )}
      </figcaption>
    </figure>
  );
}
