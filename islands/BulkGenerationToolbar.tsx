/**
 * Island: the storyboard header's "Generate All Scenes" toolbar. Starts, follows and cancels the bulk
 * run: "Generating... (5/24)" with a progress bar, image and video counts and the time left; a toast
 * when the run ends; progress announced politely to screen readers. Its props are the page's state
 * for the client (`StoryboardInit`), and it opens the page's live stream, so every card island updates.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { useStoryboard } from "../client/hooks.ts";
import { generatingLabel, outcome, partCounts, progressFraction, scenes, timeLeft } from "../client/progress.ts";
import type { StoryboardInit } from "../client/storyboard.ts";

export interface BulkGenerationToolbarProps extends StoryboardInit {
  /** Scenes with a failed image or video at render (then the cards' live state counts). */
  failedScenes: number;
}

/** The time, every second while `on`; null until the island is in the browser (the server shows no estimate). */
function useClock(on: boolean): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

export default function BulkGenerationToolbar(props: BulkGenerationToolbarProps) {
  const storyboard = useStoryboard(props);
  const model = storyboard.run;
  const run = model.run.value;
  const busy = model.busy.value;
  const error = model.error.value;
  const toast = model.toast.value;
  const connection = storyboard.connection.value;
  const active = run?.status === "active";
  const shown = active ? run : model.settling.value; // the run the progress area shows
  const now = useClock(active);

  useEffect(() => storyboard.connect(), []);

  // Failed scenes of the whole storyboard (the details list them all; retry re-queues them all).
  // (Read only while no run is shown: during a run the toolbar does not follow every part.)
  const showFailed = shown
    ? 0
    : storyboard.scenes.count.value > 0
    ? new Set(storyboard.scenes.failures.value.map((f) => f.sentenceId)).size
    : props.failedScenes;

  // Buttons come and go with the run (Cancel, "N failed — details", the toast's): when the one that
  // had the focus goes away, the focus stays in the toolbar instead of falling back to the page.
  const mainButton = useRef<HTMLButtonElement>(null);
  const layout = `${shown !== null}:${showFailed > 0}:${toast?.runId ?? ""}:${toast?.hasFailures ?? ""}`;
  const focusInside = useRef(false); // the focus is (or was, until its button went away) in here
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focusInside.current && lost && !storyboard.dialog.open.peek()) mainButton.current?.focus();
  }, [layout]);
  const eta = active && now !== null ? timeLeft(run, model.localTime(run.startedAt), now) : null;
  const percent = shown ? Math.round(progressFraction(shown) * 1000) / 10 : 0;

  return (
    <div
      class="bulk-toolbar"
      role="group"
      aria-label="Scene generation"
      data-run-status={run?.status ?? "none"}
      data-connection={connection}
      onFocusIn={() => (focusInside.current = true)}
      onFocusOut={(e) => {
        const toolbar = e.currentTarget;
        const target = e.target as Node;
        const next = e.relatedTarget as Node | null;
        if (next) {
          focusInside.current = toolbar.contains(next);
          return;
        }
        // Removing the focused button also lands here: decide once the DOM has settled.
        queueMicrotask(() => (focusInside.current = !target.isConnected || toolbar.contains(document.activeElement)));
      }}
    >
      <div class="bulk-actions">
        {shown
          ? (
            <button
              ref={mainButton}
              type="button"
              class="bulk-main"
              aria-disabled="true"
              aria-busy="true"
              data-testid="generate"
            >
              {generatingLabel(shown)}
            </button>
          )
          : (
            <button
              ref={mainButton}
              type="button"
              class="bulk-main"
              data-testid="generate"
              aria-disabled={busy ? "true" : undefined}
              aria-busy={busy === "generate" ? "true" : undefined}
              onClick={() => model.generate()}
            >
              {busy === "generate" ? "Starting…" : "Generate All Scenes"}
            </button>
          )}
        {active && (
          <button
            type="button"
            class="secondary"
            data-testid="cancel"
            aria-disabled={busy ? "true" : undefined}
            aria-busy={busy === "cancel" ? "true" : undefined}
            onClick={() => model.cancel()}
          >
            {busy === "cancel" ? "Cancelling…" : "Cancel"}
          </button>
        )}
        {showFailed > 0 && (
          <button
            type="button"
            class="link-button"
            data-testid="failed-details"
            aria-haspopup="dialog"
            onClick={(e) => storyboard.dialog.show(e.currentTarget)}
          >
            {showFailed} failed — details
          </button>
        )}
      </div>
      {shown && (
        <div class="bulk-progress">
          <div
            class="progress-track"
            role="progressbar"
            aria-label="Generation progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(percent)}
            aria-valuetext={`${shown.finishedScenes} of ${scenes(shown.totalScenes)} finished`}
          >
            <div class="progress-fill" style={{ width: `${percent}%` }} />
          </div>
          <p class="bulk-stats" data-testid="stats">
            <span>{partCounts(shown)}</span>
            {shown.failedScenes > 0 && <span class="stat-failed">{shown.failedScenes} failed</span>}
            {eta && <span class="stat-eta" data-testid="eta">{eta}</span>}
          </p>
        </div>
      )}
      {!shown && (
        <p class="bulk-hint" data-testid="hint">
          {run && run.status !== "active"
            ? `Last run: ${outcome(run).text}.`
            : "Queues an image and a clip for every scene that lacks one."}
        </p>
      )}
      {connection === "reconnecting" && active && (
        <p class="bulk-connection" data-testid="connection">Live updates interrupted — reconnecting…</p>
      )}
      {error && (
        <div class="bulk-error" role="alert" data-testid="error">
          <span>{error}</span>
          <button type="button" class="link-button" onClick={() => model.clearError()} aria-label="Dismiss the error">
            Dismiss
          </button>
        </div>
      )}
      <p class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">{model.announce.value}</p>
      {toast && (
        <div class={`toast toast-${toast.kind}`} data-testid="toast" data-run-id={toast.runId}>
          <p class="toast-text">{toast.text}</p>
          <div class="toast-actions">
            {toast.hasFailures && (
              <button
                type="button"
                class="link-button"
                data-testid="toast-details"
                aria-haspopup="dialog"
                onClick={(e) => storyboard.dialog.show(e.currentTarget)}
              >
                View details
              </button>
            )}
            <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => model.dismissToast()}>
              ×
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
