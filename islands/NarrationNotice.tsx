/**
 * Island: the notice that scenes have no narration yet, with its button — "Generate section audio"
 * narrates every section that lacks some, a section at a time. Counts down live as narration
 * arrives, and goes away when every scene has it.
 */
import { useState } from "preact/hooks";
import { postJson } from "../client/api.ts";
import { useStoryboard } from "../client/hooks.ts";
import { count } from "../components/count.ts";

export interface NarrationNoticeProps {
  projectId: number;
  /** Sentences without narration at render (default: those of the page's scene index), and their sections. */
  ids?: number[];
  sectionIds: number[];
}

/** A notice: not needed before the page is interactive. */
export const hydration = "idle";

export default function NarrationNotice({ projectId, ids, sectionIds }: NarrationNoticeProps) {
  const { scenes } = useStoryboard();
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const now = scenes.narration(ids);
  const missing = now.missing;
  if (missing === 0) return null;
  const busy = sent || now.busy;
  const generate = async () => {
    setSent(true);
    setError(null);
    try {
      await postJson(fetch, `/projects/${projectId}/generate-audio`, { sectionIds });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSent(false);
    }
  };
  return (
    <p class="notice" data-notice="audio">
      {count(missing, "scene has", "scenes have")}{" "}
      no narration audio yet — generate section audio first for the best timing.{" "}
      <button type="button" class="secondary" onClick={generate} disabled={busy}>
        {busy ? "Narrating…" : "Generate section audio"}
      </button>
      {error && <span class="upload-error" role="alert">{error}</span>}
    </p>
  );
}
