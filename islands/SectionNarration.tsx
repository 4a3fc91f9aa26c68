/**
 * Island: a section's narration controls, beside its heading — "Generate section audio" (the whole
 * section read in one go where the voice can) and an upload of a recording of the whole section
 * (split at its sentences) — with the live count of its sentences being narrated.
 */
import { useState } from "preact/hooks";
import { postJson } from "../client/api.ts";
import { useStoryboard } from "../client/hooks.ts";
import { RecordingUpload } from "../components/RecordingUpload.tsx";

export interface SectionNarrationProps {
  projectId: number;
  sectionId: number;
  /** The section's sentence ids. */
  ids: number[];
}

/** Not needed before the page is interactive: loaded once the cards and the toolbar are hydrated. */
export const hydration = "idle";

export default function SectionNarration({ projectId, sectionId, ids }: SectionNarrationProps) {
  const { scenes } = useStoryboard();
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const inFlight = ids.filter((id) => ["queued", "running"].includes(scenes.scene(id).audio.value.status)).length;
  const generate = async () => {
    setSending(true);
    setError(null);
    try {
      await postJson(fetch, `/projects/${projectId}/generate-audio`, { sectionIds: [sectionId], scope: "all" });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };
  return (
    <div class="section-narration" role="group" aria-label="Section narration">
      <button type="button" class="secondary" onClick={generate} disabled={sending || inFlight > 0}>
        {inFlight > 0 ? `Narrating… (${inFlight} left)` : "Generate section audio"}
      </button>
      {inFlight === 0 && <RecordingUpload path={`/sections/${sectionId}/audio`} label="Upload section recording" />}
      {error && <span class="upload-error" role="alert">{error}</span>}
    </div>
  );
}
