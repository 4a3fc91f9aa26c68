/**
 * Island: the failure details, in a native modal <dialog>. Lists each failed scene part of the
 * storyboard (scene number, text excerpt, image or video, the error message) with a retry button,
 * and "Retry failed" for all of them. The list follows the stream: a part retried from here stays
 * listed (with its new state) until the dialog closes, so focus never lands on nothing.
 *
 * Keyboard: showModal() moves focus into the dialog, Esc closes it, and focus returns to the button
 * that opened it. The dialog is labelled by its heading and described by its introduction.
 */
import { useRef } from "preact/hooks";
import { DialogHead } from "../components/DialogHead.tsx";
import { PART_LABELS, sceneLabel, STATUS_LABELS } from "../components/status_labels.ts";
import { useStoryboard } from "../client/hooks.ts";
import { excerpt, scenes } from "../client/progress.ts";
import { byScene, type FailedPart } from "../client/scenes_model.ts";
import type { Storyboard } from "../client/storyboard.ts";
import { useModal } from "../client/use_modal.ts";
import { revealScene } from "../client/chunks.ts";

const TITLE_ID = "failed-scenes-title";
const DESCRIPTION_ID = "failed-scenes-description";

/** The narration of a scene: its card's, or the index's excerpt when its card is not loaded. */
function narration(storyboard: Storyboard, sentenceId: number): string {
  return document.querySelector(`#sentence-${sentenceId} .narration`)?.textContent ??
    storyboard.scenes.failedText(sentenceId) ?? "";
}

function FailedItem(
  { item, storyboard, onGoTo }: { item: FailedPart; storyboard: Storyboard; onGoTo: (item: FailedPart) => void },
) {
  const { run } = storyboard;
  const status = storyboard.scenes.scene(item.sentenceId)[item.part].value.status;
  const retrying = run.retrying.value.has(item.sentenceId);
  const failed = status === "failed";
  const label = sceneLabel(item.number);
  return (
    <li class={`failed-item status-${status}`} data-sentence-id={item.sentenceId} data-part={item.part}>
      <div class="failed-head">
        <span class="scene-number">{label}</span>
        <span class="failed-text">“{excerpt(narration(storyboard, item.sentenceId), 80)}”</span>
        <span class="badge badge-failed">{PART_LABELS[item.part]}</span>
      </div>
      <p class="part-error">{item.error}</p>
      <div class="failed-actions">
        <a
          href={`#sentence-${item.sentenceId}`}
          aria-label={`Edit the prompts of ${label}`}
          onClick={(e) => {
            e.preventDefault();
            onGoTo(item);
          }}
        >
          Edit prompt
        </a>
        <button
          type="button"
          class="secondary"
          aria-label={failed ? `Retry ${label}` : `${label}: ${STATUS_LABELS[status]}`}
          aria-disabled={!failed || run.busy.value !== null || retrying ? "true" : undefined}
          aria-busy={retrying ? "true" : undefined}
          data-testid="retry-one"
          data-status={status}
          onClick={() => {
            if (failed && !run.retrying.peek().has(item.sentenceId)) run.retry([item.sentenceId]);
          }}
        >
          {retrying ? "Retrying…" : failed ? "Retry" : STATUS_LABELS[status]}
        </button>
      </div>
    </li>
  );
}

/** A dialog, opened from the toolbar: its code loads once the page's other islands are hydrated. */
export const hydration = "idle";

export default function ErrorSummaryDialog() {
  const storyboard = useStoryboard();
  const { run, dialog } = storyboard;
  const focusAfterClose = useRef<HTMLElement | null>(null);
  /** Parts listed since the dialog opened (key → last known failure). */
  const listed = useRef(new Map<string, FailedPart>());
  const open = dialog.open.value !== null;
  const ref = useModal(open);
  const failures = storyboard.scenes.failures.value;
  const error = open ? run.error.value : null;
  const busy = run.busy.value;

  if (open) { for (const f of failures) listed.current.set(`${f.sentenceId}:${f.part}`, f); }
  const items = open ? [...listed.current.values()].sort(byScene) : [];

  const onClose = () => {
    dialog.close();
    listed.current.clear();
    const target = focusAfterClose.current ?? dialog.takeOpener() ??
      document.querySelector<HTMLElement>(".bulk-toolbar .bulk-main");
    focusAfterClose.current = null;
    target?.focus();
  };

  const goTo = async (item: FailedPart) => {
    const projectId = storyboard.page?.projectId;
    const card = document.getElementById(`sentence-${item.sentenceId}`) ??
      (projectId ? await revealScene(projectId, item.sentenceId) : null);
    const details = card?.querySelector<HTMLDetailsElement>("details.prompts");
    if (details) details.open = true;
    const field = details?.querySelector<HTMLTextAreaElement>(
      item.part === "image" ? "textarea[name=imagePrompt]" : "textarea[name=videoPrompt]",
    );
    focusAfterClose.current = field ?? card ?? null;
    dialog.takeOpener();
    dialog.close();
    card?.scrollIntoView({ block: "center" });
  };

  const failedCount = new Set(failures.map((f) => f.sentenceId)).size;
  return (
    <dialog
      ref={ref}
      class="failed-dialog"
      aria-labelledby={TITLE_ID}
      aria-describedby={DESCRIPTION_ID}
      data-testid="failed-dialog"
      onClose={onClose}
    >
      <DialogHead
        id={TITLE_ID}
        title={failedCount ? `${scenes(failedCount)} failed` : "No failed scenes"}
        onClose={() => dialog.close()}
      />
      <p id={DESCRIPTION_ID} class="hint">
        {failedCount
          ? "Each message says what went wrong. Fix the prompt if needed, then retry: only the failed parts are generated again."
          : "Nothing is failed any more."}
      </p>
      {error && <p class="notice-error" role="alert">{error}</p>}
      {items.length > 0 && (
        <ul class="failed-list">
          {items.map((item) => (
            <FailedItem key={`${item.sentenceId}:${item.part}`} item={item} storyboard={storyboard} onGoTo={goTo} />
          ))}
        </ul>
      )}
      <footer class="dialog-actions">
        {failedCount > 0 && (
          <button
            type="button"
            data-testid="retry-all"
            aria-disabled={busy ? "true" : undefined}
            aria-busy={busy === "retry" ? "true" : undefined}
            onClick={async () => {
              if (await run.retry()) dialog.close();
            }}
          >
            {busy === "retry" ? "Retrying…" : `Retry failed (${failedCount})`}
          </button>
        )}
        <button type="button" class="secondary" onClick={() => dialog.close()}>Close</button>
      </footer>
    </dialog>
  );
}
