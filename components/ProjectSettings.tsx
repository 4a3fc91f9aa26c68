import { LIMITS } from "../core/domain/limits.ts";
import { PostForm } from "./PostForm.tsx";
import type { ProjectSummary } from "../core/types.ts";
import { count } from "./count.ts";

/**
 * The storyboard's "Project settings": rename the project, change its aspect ratio and clip length
 * (existing media then shows as out of date), and delete it — after a confirmation in the page: a
 * checkbox that says what goes, which the form requires. Plain forms, no JavaScript needed.
 */
export function ProjectSettings(props: { project: ProjectSummary }) {
  const p = props.project;
  return (
    <details class="project-settings">
      <summary>Project settings</summary>
      <PostForm action={`/projects/${p.id}/settings`} class="edit-form settings-form">
        <label>
          Title
          <input name="title" required maxLength={LIMITS.titleChars} value={p.title} />
        </label>
        <div class="settings-row">
          <label>
            Aspect ratio
            <select name="aspectRatio">
              <option value="16:9" selected={p.aspectRatio === "16:9"}>16:9 (landscape)</option>
              <option value="9:16" selected={p.aspectRatio === "9:16"}>9:16 (vertical)</option>
            </select>
          </label>
          <label>
            Clip length (seconds)
            <input
              name="clipSeconds"
              type="number"
              min={1}
              max={20}
              step={0.5}
              required
              value={String(p.clipSeconds)}
            />
          </label>
        </div>
        <p class="hint">
          A new aspect ratio or clip length marks the images and clips made for the old one as out of date.
        </p>
        <button type="submit">Save settings</button>
      </PostForm>
      <PostForm action={`/projects/${p.id}/delete`} class="edit-form delete-form" data-testid="delete-project">
        <label class="confirm">
          <input type="checkbox" name="confirm" value="yes" required /> Delete “{p.title}”: its{" "}
          {count(p.sentenceCount, "scene", "scenes")} with every image, clip and narration. This cannot be undone.
        </label>
        <button type="submit" class="danger">Delete project</button>
      </PostForm>
    </details>
  );
}
