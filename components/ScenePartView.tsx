import type { PartName, ScenePart } from "../core/types.ts";

const LABELS: Record<ScenePart["status"], string> = {
  idle: "Not generated",
  queued: "Queued",
  running: "Generating…",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * The image or video slot of a scene card: the media when there is some, and its status (with the
 * error when it failed). Pure Preact, so islands can render it too.
 */
export function ScenePartView(props: { part: PartName; state: ScenePart; poster?: string | null; label: string }) {
  const { part, state } = props;
  return (
    <figure class={`scene-part scene-part--${part} status-${state.status}`} data-part={part} data-status={state.status}>
      <div class="scene-media">
        {state.url && part === "image" && <img src={state.url} alt={`Image for ${props.label}`} loading="lazy" />}
        {state.url && part === "video" && (
          <video
            src={state.url}
            poster={props.poster ?? undefined}
            muted
            loop
            playsInline
            controls
            preload="none"
            aria-label={`Clip for ${props.label}`}
          />
        )}
        {!state.url && <div class="scene-placeholder" aria-hidden="true">{part === "image" ? "🖼" : "🎬"}</div>}
        {state.status === "running" && <span class="spinner" aria-hidden="true" />}
      </div>
      <figcaption>
        <span class="part-name">{part === "image" ? "Image" : "Video"}</span>{" "}
        <span class={`badge badge-${state.status}`}>{LABELS[state.status]}</span>
        {state.status === "failed" && state.error && <p class="part-error" role="note">{state.error}</p>}
      </figcaption>
    </figure>
  );
}
