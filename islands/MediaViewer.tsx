/**
 * Island: the viewer — a scene's full-size image or clip in a native modal <dialog>. A card's
 * thumbnail opens it; ← and → (or the buttons) move to the previous and next scene that has
 * media, Esc closes it and the focus returns to the thumbnail that opened it (or, after moving, to
 * the thumbnail of the scene shown last). Clips get their
 * thumbnail as poster and `preload="metadata"`: only what the player needs to show its length is
 * loaded until the creator plays it. The image/video switch, the text and a download link come
 * from the page's live state, so the viewer follows the stream like the cards.
 */
import { useRef } from "preact/hooks";
import { DialogHead } from "../components/DialogHead.tsx";
import { PART_LABELS, sceneLabel } from "../components/status_labels.ts";
import { useStoryboard } from "../client/hooks.ts";
import type { SceneSignals } from "../client/scenes_model.ts";
import type { PartRef } from "../client/storyboard.ts";
import { useModal } from "../client/use_modal.ts";
import { mediaFileName } from "../core/domain/media_names.ts";

const TITLE_ID = "viewer-title";
const SHOWN = ["image", "video"] as const;

/** The part to show of `scene` on a move: the same kind if it has media, else the other. */
function partOf(scene: SceneSignals, part: PartRef["part"]): PartRef["part"] | null {
  if (scene[part].value.url) return part;
  return SHOWN.find((p) => scene[p].value.url) ?? null;
}

/** A dialog, opened from a card: its code loads once the page's other islands are hydrated. */
export const hydration = "idle";

export default function MediaViewer() {
  const { scenes, viewer } = useStoryboard();
  const target = viewer.open.value;
  const ref = useModal(target !== null);
  const last = useRef<{ first: PartRef; now: PartRef } | null>(null);
  if (target) last.current = { first: last.current?.first ?? target, now: target };

  /** The neighbouring scene with media, `step` = -1 or 1. */
  const move = (step: number) => {
    if (!target) return;
    const order = scenes.ordered();
    let at = order.findIndex((s) => s.sentenceId === target.sentenceId);
    for (at += step; at >= 0 && at < order.length; at += step) {
      const part = partOf(order[at].scene, target.part);
      if (part) return viewer.retarget({ sentenceId: order[at].sentenceId, part });
    }
  };

  const scene = target ? scenes.scene(target.sentenceId) : null;
  const state = scene && target ? scene[target.part].value : null;
  const label = scene ? sceneLabel(scene.number) : "";
  const name = target ? PART_LABELS[target.part] : "";
  return (
    <dialog
      ref={ref}
      class="viewer"
      aria-labelledby={TITLE_ID}
      data-testid="viewer"
      onClose={() => {
        viewer.close();
        const opener = viewer.takeOpener();
        const seen = last.current;
        last.current = null;
        // Moved on to another scene: the focus goes to that scene's thumbnail, where the creator is.
        const moved = seen && (seen.now.sentenceId !== seen.first.sentenceId || seen.now.part !== seen.first.part)
          ? document.querySelector<HTMLElement>(
            `#sentence-${seen.now.sentenceId} .scene-part--${seen.now.part} .media-open`,
          )
          : null;
        (moved ?? opener)?.focus();
      }}
      onKeyDown={(e) => {
        // Arrow keys seek in a focused clip; elsewhere they move between scenes.
        if ((e.target as Element).tagName === "VIDEO" || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
        e.preventDefault();
        move(e.key === "ArrowLeft" ? -1 : 1);
      }}
    >
      {scene && target && state && (
        <>
          <DialogHead id={TITLE_ID} title={`${label} · ${name}`} onClose={() => viewer.close()} />
          <div class="viewer-media" data-sentence-id={target.sentenceId} data-part={target.part}>
            {!state.url
              ? <p class="hint">No {name.toLowerCase()} yet.</p>
              : target.part === "image"
              ? <img src={state.url} alt={`${name} of ${label}`} />
              : (
                <video
                  key={state.url}
                  src={state.url}
                  poster={state.thumbUrl ?? scene.image.value.thumbUrl ?? scene.image.value.url ?? undefined}
                  preload="metadata"
                  controls
                  playsInline
                  aria-label={`${name} of ${label}`}
                />
              )}
          </div>
          <p class="viewer-text">{scene.texts.value?.text}</p>
          <footer class="dialog-actions viewer-actions">
            <button type="button" class="secondary" data-testid="viewer-prev" onClick={() => move(-1)}>
              ← Previous
            </button>
            <span class="viewer-switch" role="group" aria-label="Show">
              {SHOWN.map((part) => (
                <button
                  type="button"
                  key={part}
                  class="secondary"
                  aria-pressed={part === target.part ? "true" : "false"}
                  aria-disabled={scene[part].value.url ? undefined : "true"}
                  onClick={() => scene[part].value.url && viewer.retarget({ sentenceId: target.sentenceId, part })}
                >
                  {PART_LABELS[part]}
                </button>
              ))}
            </span>
            {state.url && (
              <a href={state.url} download={mediaFileName(scene.number, target.part, state.url)}>Download</a>
            )}
            <button type="button" class="secondary" data-testid="viewer-next" onClick={() => move(1)}>Next →</button>
          </footer>
        </>
      )}
    </dialog>
  );
}
