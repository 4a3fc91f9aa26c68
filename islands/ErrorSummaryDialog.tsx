/**
 * Island: the failure details, in a native modal <dialog>. Lists each failed scene part of the
 * storyboard (scene number, text excerpt, image or video, the error message) with a retry button,
 * and "Retry failed" for all of them. The list follows the stream: a part retried from here stays
 * listed (with its new state) until the dialog closes, so focus never lands on nothing.
 *
 * Keyboard: showModal() moves focus into the dialog, Esc closes it, and focus returns to the button
 * that opened it. The dialog is labelled by its heading and described by its introduction.
 */
import { useEffect, useRef } from "preact/hooks";
import { excerpt, scenes } from "./_progress.ts";
import { type FailedPart, IS_BROWSER, partLabel, store } from "./_store.ts";

const TITLE_ID = "failed-scenes-title";
const DESCRIPTION_ID = "failed-scenes-description";

const STATUS_TEXT: Record<string, string> = {
  idle: "Not generated",
  queued: "Queued again",
  running: "Generating…",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** The narration of a card on the page (cards are server-rendered, always present). */
function sentenceText(sentenceId: number): string {
  return document.querySelector(`#sentence-${sentenceId} .narration`)?.textContent ?? "";
}

function FailedItem({ item, onGoTo }: { item: FailedPart; onGoTo: (item: FailedPart) => void }) {
  const status = item.part === "audio" ? "failed" : store.scene(item.sentenceId)[item.part].value.status;
  const retrying = store.retrying.value.has(item.sentenceId);
  const busy = store.busy.value !== null;
  const failed = status === "failed";
  const label = `scene ${item.number}`;
  return (
    <li class={`failed-item status-${status}`} data-sentence-id={item.sentenceId} data-part={item.part}>
      <div class="failed-head">
        <span class="scene-number">#{item.number}</span>
        <span class="failed-text">“{excerpt(sentenceText(item.sentenceId), 80)}”</span>
        <span class="badge badge-failed">{partLabel(item.part)}</span>
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
          aria-label={failed ? `Retry ${label}` : `${label}: ${STATUS_TEXT[status]}`}
          aria-disabled={!failed || busy || retrying ? "true" : undefined}
          aria-busy={retrying ? "true" : undefined}
          data-testid="retry-one"
          data-status={status}
          onClick={() => {
            if (failed && !store.busy.peek() && !store.retrying.peek().has(item.sentenceId)) {
              store.retry([item.sentenceId]);
            }
          }}
        >
          {retrying ? "Retrying…" : failed ? "Retry" : STATUS_TEXT[status]}
        </button>
      </div>
    </li>
  );
}

export default function ErrorSummaryDialog(_props: { projectId: number }) {
  const ref = useRef<HTMLDialogElement>(null);
  const focusAfterClose = useRef<HTMLElement | null>(null);
  /** Parts listed since the dialog opened (key → last known failure). */
  const listed = useRef(new Map<string, FailedPart>());
  const open = IS_BROWSER ? store.dialogOpen.value : false;
  const failures = IS_BROWSER ? store.failures.value : [];
  const error = IS_BROWSER && open ? store.error.value : null;
  const busy = IS_BROWSER ? store.busy.value : null;

  if (open) { for (const f of failures) listed.current.set(`${f.sentenceId}:${f.part}`, f); }
  const items = open
    ? [...listed.current.values()].sort((a, b) => a.number - b.number || (a.part < b.part ? -1 : 1))
    : [];

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);

  const onClose = () => {
    store.closeDetails();
    listed.current.clear();
    const target = focusAfterClose.current ?? store.takeDialogOpener() ??
      document.querySelector<HTMLElement>(".bulk-toolbar .bulk-main");
    focusAfterClose.current = null;
    target?.focus();
  };

  const goTo = (item: FailedPart) => {
    const card = document.getElementById(`sentence-${item.sentenceId}`);
    const details = card?.querySelector<HTMLDetailsElement>("details.prompts");
    if (details) details.open = true;
    const field = details?.querySelector<HTMLTextAreaElement>(
      item.part === "image" ? "textarea[name=imagePrompt]" : "textarea[name=videoPrompt]",
    );
    focusAfterClose.current = field ?? card ?? null;
    store.takeDialogOpener();
    store.closeDetails();
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
      <header class="dialog-head">
        <h2 id={TITLE_ID}>{failedCount ? `${scenes(failedCount)} failed` : "No failed scenes"}</h2>
        <button type="button" class="dialog-close" aria-label="Close" onClick={() => store.closeDetails()}>
          ×
        </button>
      </header>
      <p id={DESCRIPTION_ID} class="hint">
        {failedCount
          ? "Each message says what went wrong. Fix the prompt if needed, then retry: only the failed parts are generated again."
          : "Nothing is failed any more."}
      </p>
      {error && <p class="notice-error" role="alert">{error}</p>}
      {items.length > 0 && (
        <ul class="failed-list">
          {items.map((item) => <FailedItem key={`${item.sentenceId}:${item.part}`} item={item} onGoTo={goTo} />)}
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
              if (store.busy.peek()) return;
              const started = await store.retry();
              if (started) store.closeDetails();
            }}
          >
            {busy === "retry" ? "Retrying…" : `Retry failed (${failedCount})`}
          </button>
        )}
        <button type="button" class="secondary" onClick={() => store.closeDetails()}>Close</button>
      </footer>
    </dialog>
  );
}
