/**
 * Island: "This storyboard was changed in another tab or window" with a Reload button, when the
 * stream reports a change of the script's structure (scenes or sections added, removed, moved) or
 * of the project's aspect ratio or clip length that this page does not show. Announced politely.
 */
import { useStoryboard } from "../client/hooks.ts";

/** Shown only after a change in another tab: not needed before the page is interactive. */
export const hydration = "idle";

export default function ReloadNotice() {
  const stale = useStoryboard().stale.value;
  return (
    <div class="reload-slot" aria-live="polite">
      {stale && (
        <p class="notice notice-info reload-notice" data-testid="reload-notice">
          {stale === "structure"
            ? "Scenes or sections were changed in another tab or window."
            : "The project's settings were changed in another tab or window."}{" "}
          <button type="button" class="small" onClick={() => location.reload()}>Reload to see them</button>
        </p>
      )}
    </div>
  );
}
