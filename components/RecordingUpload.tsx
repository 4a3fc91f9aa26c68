import { useState } from "preact/hooks";
import { postJson } from "../client/api.ts";

/**
 * A creator's own recording for a sentence or a section: a file input (MP3, WAV or M4A) that sends
 * the file as it is to `path` (under /api/v1) and shows the server's sentence when it is refused.
 * The narration then arrives on the live stream like generated narration. Used inside islands.
 */
export function RecordingUpload(props: { path: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await postJson(fetch, props.path, file);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      input.value = "";
    }
  };
  return (
    <span class="recording-upload">
      <label class="link-button" aria-busy={busy ? "true" : undefined}>
        {busy ? "Uploading…" : props.label}
        <input
          type="file"
          class="sr-only"
          accept=".mp3,.wav,.m4a,audio/mpeg,audio/wav,audio/mp4"
          disabled={busy}
          onChange={(e) => send(e.currentTarget)}
        />
      </label>
      {error && <span class="upload-error" role="alert">{error}</span>}
    </span>
  );
}
