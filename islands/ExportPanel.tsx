/**
 * Island: the finished video — "Generate narration" for the whole project, and "Export video" (one
 * MP4 of every scene with its narration; burned-in captions and placeholders for scenes without
 * picture on request) with its live progress and Cancel, and the project's exports with their
 * downloads (MP4, SRT, VTT). A refused export says which scenes lack a picture.
 */
import { useState } from "preact/hooks";
import { postJson } from "../client/api.ts";
import { useStoryboard } from "../client/hooks.ts";
import type { ExportView } from "../core/types.ts";

export interface ExportPanelProps {
  projectId: number;
  /** The project's exports at render, newest first. */
  exports: ExportView[];
}

/** Not needed before the page is interactive: loaded once the cards and the toolbar are hydrated. */
export const hydration = "idle";

export default function ExportPanel({ projectId, exports }: ExportPanelProps) {
  const model = useStoryboard().exports;
  model.init(exports);
  const list = model.list.value;
  const [burnIn, setBurnIn] = useState(false);
  const [placeholders, setPlaceholders] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const current = list.find((e) => e.status === "queued" || e.status === "running");

  const send = async (path: string, body?: unknown) => {
    setSending(true);
    setError(null);
    try {
      const answer = await postJson(fetch, path, body) as { export?: ExportView } | null;
      if (answer?.export) model.apply(answer.export);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <section class="export-panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Finished video</h2>
      <div class="export-actions">
        <button
          type="button"
          class="secondary"
          disabled={sending}
          onClick={() => send(`/projects/${projectId}/generate-audio`)}
        >
          Generate narration
        </button>
        <label>
          <input type="checkbox" checked={burnIn} onChange={(e) => setBurnIn(e.currentTarget.checked)} />{" "}
          Burn in captions
        </label>
        <label>
          <input type="checkbox" checked={placeholders} onChange={(e) => setPlaceholders(e.currentTarget.checked)} />
          {" "}
          Placeholders for scenes without picture
        </label>
        <button
          type="button"
          disabled={sending || current !== undefined}
          onClick={() => send(`/projects/${projectId}/exports`, { captions: { burnIn }, placeholders })}
        >
          Export video
        </button>
      </div>
      {error && <p class="notice notice-error" role="alert">{error}</p>}
      {current && (
        <div class="export-progress" aria-live="polite">
          <span>
            {current.status === "queued" ? "Waiting to render…" : `Rendering… ${Math.round(current.progress * 100)}%`}
          </span>
          <div class="progress-track">
            <div class="progress-fill" style={{ width: `${current.progress * 100}%` }} />
          </div>
          <button type="button" class="secondary" onClick={() => send(`/exports/${current.id}/cancel`)}>Cancel</button>
        </div>
      )}
      {list.length > 0 && (
        <ul class="export-list">
          {list.map((e) => (
            <li key={e.id} data-export-status={e.status}>
              Export {e.id}: {e.status}
              {e.durationMs !== null && ` · ${(e.durationMs / 1000).toFixed(1)} s`}
              {e.files && (
                <>
                  {" · "}
                  <a href={`${e.files.mp4}?download`} download>MP4</a>
                  {e.files.srt && (
                    <>
                      {" "}
                      <a href={`${e.files.srt}?download`} download>SRT</a>
                    </>
                  )}
                  {e.files.vtt && (
                    <>
                      {" "}
                      <a href={`${e.files.vtt}?download`} download>VTT</a>
                    </>
                  )}
                </>
              )}
              {e.error && <span class="part-error">{e.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
