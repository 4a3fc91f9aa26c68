import type { TargetedMouseEvent } from "preact";
import type { PartName } from "../core/types.ts";
import type { Shown } from "../client/scenes_model.ts";
import { count } from "./count.ts";
import { outdatedBadge, PART_LABELS, partBadge } from "./status_labels.ts";

/** What a part slot offers besides showing its state (the SceneBody island passes them). */
export interface PartActions {
  /** Opens the full image or clip in the viewer (the link opens the file itself without JavaScript). */
  onOpen?: (event: TargetedMouseEvent<HTMLAnchorElement>) => void;
  /** Opens the list of takes to pick the one shown. */
  onTakes?: (event: TargetedMouseEvent<HTMLButtonElement>) => void;
}

/**
 * The image or video slot of a scene card: the thumbnail (a link to the full image or clip), its
 * status — what a queued part waits for, "Prompt changed" when its take is out of date — and its
 * tools: the takes kept and a download link named by scene number. Pure Preact: the SceneBody
 * island renders it on the server and in the browser, where it follows the live stream.
 */
export function ScenePartView(
  props: PartActions & {
    part: PartName;
    state: Shown;
    /** A video's poster when it has no thumbnail of its own (the image's). */
    poster?: string | null;
    /** The scene, as the media's accessible names say it ("Scene 7"). */
    label: string;
    /** Shown on an idle video whose image is on its way: the clip follows the image. */
    waitingFor?: string;
    /** The download name of the current take ("scene-007-image.png"). */
    fileName?: string;
  },
) {
  const { part, state, label } = props;
  const busy = state.status === "queued" || state.status === "running";
  const picture = state.url ? (part === "image" ? state.thumbUrl ?? state.url : state.thumbUrl ?? props.poster) : null;
  const name = PART_LABELS[part];
  return (
    <figure
      class={`scene-part scene-part--${part} status-${state.status}`}
      data-part={part}
      data-status={state.status}
      data-phase={state.phase ?? undefined}
      aria-busy={busy ? "true" : undefined}
    >
      <div class="scene-media">
        {state.url && (
          <a
            href={state.url}
            class="media-open"
            data-testid={`open-${part}`}
            aria-label={`${name} of ${label}: open it full size`}
            onClick={props.onOpen}
          >
            {picture ? <img src={picture} alt="" loading="lazy" /> : <span class="scene-placeholder" />}
          </a>
        )}
        {!state.url && state.status !== "running" && <div class="scene-placeholder" aria-hidden="true" />}
        {state.status === "running" && <span class="spinner" aria-hidden="true" />}
      </div>
      <figcaption>
        <span class="part-name">{name}</span>{" "}
        <span class={`badge badge-${state.status}`}>{partBadge(state, props.waitingFor)}</span>
        {state.outdated && (
          <span class="badge badge-outdated" data-testid="outdated">{outdatedBadge(state.promptChanged)}</span>
        )}
      </figcaption>
      {state.url && (
        <p class="part-tools">
          {state.takes > 1 && (
            <button
              type="button"
              class="link-button"
              data-testid={`takes-${part}`}
              aria-haspopup="dialog"
              aria-label={`${count(state.takes, "take", "takes")} of the ${name.toLowerCase()} of ${label}: pick one`}
              onClick={props.onTakes}
            >
              {count(state.takes, "take", "takes")}
            </button>
          )}
          <a
            href={state.url}
            download={props.fileName}
            data-testid={`download-${part}`}
            aria-label={`Download the ${name.toLowerCase()} of ${label}`}
          >
            Download
          </a>
        </p>
      )}
    </figure>
  );
}
