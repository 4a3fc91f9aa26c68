/**
 * Island: the storyboard header's generation toolbar. Its main action follows what there is to do:
 * "Generate All Scenes" (scenes lack media), "Regenerate changed (n)" (media out of date; also
 * offered beside Generate All), or "All scenes generated" (nothing to do: a status, not an action).
 * It follows and cancels the run: "Generating... (5/24)" with a progress bar, the counts of the
 * kinds the run makes and the time left; on a phone a compact bar with Cancel stays pinned to the
 * bottom of the screen once the toolbar has scrolled away; a toast when the run ends; progress
 * announced politely to screen readers. Its props are the page's state for the client
 * (`StoryboardInit`), and it opens the page's live stream (once the page's islands are hydrated),
 * so every card island updates.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { timeLeft } from "../client/eta.ts";
import { useStoryboard } from "../client/hooks.ts";
import { generatingLabel, idleAction, outcome, partCounts, progressFraction, scenes } from "../client/progress.ts";
import type { RunModel } from "../client/run_model.ts";
import type { StoryboardInit } from "../client/storyboard.ts";
import { useClock } from "../client/use_clock.ts";
import { islandsHydrated } from "../islands_runtime/client/boot.ts";

export interface BulkGenerationToolbarProps extends StoryboardInit {
  /** Scenes with a failed image or video at render (then the cards' live state counts). */
  failedScenes: number;
  /** Scenes without a done image or video at render (idem). */
  missingScenes: number;
  /** Scenes with an image or video out of date at render (idem). */
  outdatedScenes: number;
  /** Whether any scene had media to download at render (idem). */
  hasMedia: boolean;
}

/** Whether `element` is scrolled out of the viewport (false until known, and where IntersectionObserver is missing). */
function useScrolledAway(element: { current: Element | null }, on: boolean): boolean {
  const [away, setAway] = useState(false);
  useEffect(() => {
    if (!on || !element.current || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(([entry]) => setAway(!entry.isIntersecting));
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      setAway(false);
    };
  }, [on]);
  return away;
}

/** Cancel the active run: in the toolbar, and in the bar pinned on phones ("Cancel generation"). */
function CancelButton(props: { model: RunModel; testId?: string; small?: boolean }) {
  const busy = props.model.busy.value;
  return (
    <button
      type="button"
      class={props.small ? "secondary small" : "secondary"}
      data-testid={props.testId}
      aria-label={props.small ? "Cancel generation" : undefined}
      aria-disabled={busy ? "true" : undefined}
      aria-busy={busy === "cancel" ? "true" : undefined}
      onClick={() => props.model.cancel()}
    >
      {busy === "cancel" ? "Cancelling…" : "Cancel"}
    </button>
  );
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

  useEffect(() => {
    // The stream opens once every island of the page is hydrated (the idle ones come a moment after
    // this one), so each of them sees every event, as when all hydrated at once; the stream replays
    // what happened meanwhile. The cards loaded on demand need their code only below the first cards.
    islandsHydrated().then(() => storyboard.connect());
    import("../client/chunks.ts").then((chunks) => chunks.watchChunks(props.projectId));
  }, []);

  // Failed scenes of the whole storyboard (the details list them all; retry re-queues them all),
  // and what Generate All would do. (Read only while no run is shown: during a run the toolbar does
  // not follow every part.)
  const cardsKnown = !shown && storyboard.scenes.count.value > 0;
  const showFailed = shown
    ? 0
    : cardsKnown
    ? new Set(storyboard.scenes.failures.value.map((f) => f.sentenceId)).size
    : props.failedScenes;
  const tally = cardsKnown
    ? storyboard.scenes.tally.value
    : { missing: props.missingScenes, outdated: props.outdatedScenes, media: props.hasMedia ? 1 : 0 };
  const idle = idleAction(tally);
  const toolbar = useRef<HTMLDivElement>(null);
  const pinned = useScrolledAway(toolbar, shown !== null);

  // Buttons come and go with the run (Cancel, "N failed — details", the toast's): when the one that
  // had the focus goes away, the focus stays in the toolbar instead of falling back to the page.
  const mainButton = useRef<HTMLButtonElement>(null);
  const layout = `${shown !== null}:${showFailed > 0}:${toast?.runId ?? ""}:${toast?.hasFailures ?? ""}`;
  const focusInside = useRef(false); // the focus is (or was, until its button went away) in here
  useEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focusInside.current && lost && !storyboard.dialog.open.peek()) mainButton.current?.focus();
  }, [layout]);
  const eta = active && now !== null
    ? timeLeft(run, {
      typical: props.typical,
      measured: storyboard.timing.read(),
      sequential: props.sequential,
      nowMs: now,
    })
    : null;
  const percent = shown ? Math.round(progressFraction(shown) * 1000) / 10 : 0;

  return (
    <div
      ref={toolbar}
      class="bulk-toolbar"
      role="group"
      data-pinned={pinned ? "" : undefined}
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
              class={idle.scope ? "bulk-main" : "bulk-main bulk-done"}
              data-testid="generate"
              data-scope={idle.scope ?? "none"}
              aria-disabled={busy || !idle.scope ? "true" : undefined}
              aria-busy={busy === "generate" ? "true" : undefined}
              onClick={() => idle.scope && model.generate(idle.scope)}
            >
              {busy === "generate" ? "Starting…" : idle.label}
            </button>
          )}
        {!shown && idle.alsoChanged && (
          <button
            type="button"
            class="secondary"
            data-testid="generate-changed"
            aria-disabled={busy ? "true" : undefined}
            onClick={() => model.generate("changed")}
          >
            {idle.alsoChanged}
          </button>
        )}
        {active && <CancelButton model={model} testId="cancel" />}
        {tally.media > 0 && (
          <a
            href={`/api/v1/projects/${props.projectId}/media.zip`}
            class="bulk-download"
            download
            data-testid="download-all"
          >
            Download all (zip)
          </a>
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
            {partCounts(shown) && <span>{partCounts(shown)}</span>}
            {shown.failedScenes > 0 && <span class="stat-failed">{shown.failedScenes} failed</span>}
            {eta && <span class="stat-eta" data-testid="eta">{eta}</span>}
          </p>
        </div>
      )}
      {shown && (
        <div class="run-pin" data-testid="run-pin">
          <div class="progress-track" aria-hidden="true">
            <div class="progress-fill" style={{ width: `${percent}%` }} />
          </div>
          <span class="run-pin-label">{generatingLabel(shown)}</span>
          {active && <CancelButton model={model} small />}
        </div>
      )}
      {!shown && (
        <p class="bulk-hint" data-testid="hint">
          {run && run.status !== "active"
            ? `Last run: ${outcome(run).text}.`
            : idle.scope === "changed"
            ? "Makes the out-of-date images and clips again."
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
