/**
 * Island: a part's takes in a native modal <dialog> — every kept take (TAKES_KEPT, newest first)
 * with its picture, prompt, seed and time, the one shown marked "Shown now", and "Show this take"
 * on the others. The list is fetched when the dialog opens (nothing is loaded for cards nobody
 * looks at). Picking saves at once (PUT …/takes/current); the card follows from the answer, and
 * other tabs from the stream. Esc closes it; the focus returns to the card's "N takes" button.
 */
import { useEffect, useState } from "preact/hooks";
import { DialogHead } from "../components/DialogHead.tsx";
import { PART_LABELS, sceneLabel } from "../components/status_labels.ts";
import { useStoryboard } from "../client/hooks.ts";
import { useModal } from "../client/use_modal.ts";
import type { TakeView } from "../core/types.ts";

const TITLE_ID = "takes-title";
const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A dialog, opened from a card: its code loads once the page's other islands are hydrated. */
export const hydration = "idle";

export default function TakesDialog() {
  const { api, scenes, takes: dialog } = useStoryboard();
  const target = dialog.open.value;
  const ref = useModal(target !== null);
  const [list, setList] = useState<TakeView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState<number | null>(null);
  const scene = target ? scenes.scene(target.sentenceId) : null;
  const state = scene && target ? scene[target.part].value : null;

  useEffect(() => {
    setList(null);
    setError(null);
    if (!target) return;
    let current = true;
    api.takes(target.sentenceId).then(
      (lists) => current && setList(lists[target.part]),
      (e) => current && setError(e.message),
    );
    return () => (current = false);
    // A new take while the dialog is open is listed too (the count changes).
  }, [target, state?.takes]);

  const pick = async (take: TakeView) => {
    if (!target || saving !== null) return;
    setSaving(take.id);
    setError(null);
    try {
      const view = await api.chooseTake(target.sentenceId, target.part, take.id);
      scenes.apply({ ...view, sentenceId: target.sentenceId, part: target.part });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(null);
    }
  };

  const name = target ? PART_LABELS[target.part] : "";
  return (
    <dialog
      ref={ref}
      class="takes-dialog"
      aria-labelledby={TITLE_ID}
      data-testid="takes-dialog"
      onClose={() => {
        dialog.close();
        dialog.takeOpener()?.focus();
      }}
    >
      <DialogHead
        id={TITLE_ID}
        title={scene ? `${sceneLabel(scene.number)} · ${name} takes` : "Takes"}
        onClose={() => dialog.close()}
      />
      {error && <p class="notice-error" role="alert">{error}</p>}
      {!list && !error && <p class="hint" aria-busy="true">Loading the takes…</p>}
      {list && (
        <ol class="take-list">
          {list.map((take, i) => {
            const shown = state?.url === take.url;
            return (
              <li key={take.id} class={shown ? "take take-shown" : "take"} data-take-id={take.id}>
                {take.thumbUrl || target?.part === "image"
                  ? <img src={take.thumbUrl ?? take.url} alt="" loading="lazy" />
                  : <span class="scene-placeholder" />}
                <div class="take-info">
                  <p class="take-head">
                    <strong>Take {list.length - i}</strong> ·{" "}
                    <time dateTime={take.createdAt}>{when(take.createdAt)}</time>
                    {take.seed !== null && ` · seed ${take.seed}`}
                  </p>
                  <p class="take-prompt">{take.prompt || <em>no prompt</em>}</p>
                </div>
                {shown ? <span class="badge badge-done">Shown now</span> : (
                  <button
                    type="button"
                    class="secondary"
                    data-testid="pick-take"
                    aria-busy={saving === take.id ? "true" : undefined}
                    aria-label={`Show take ${list.length - i}`}
                    onClick={() => pick(take)}
                  >
                    {saving === take.id ? "Saving…" : "Show this take"}
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <footer class="dialog-actions">
        <button type="button" class="secondary" onClick={() => dialog.close()}>Close</button>
      </footer>
    </dialog>
  );
}
