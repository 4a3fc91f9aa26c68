import { LIMITS } from "../core/domain/limits.ts";
import { PostForm } from "./PostForm.tsx";

/**
 * A section's heading with "Edit section": rename it, move it, add a scene at its end, and delete
 * it with its scenes (after ticking a confirmation). Plain forms, no JavaScript needed.
 */
export function SectionHead(
  props: { id: number; title: string | null; label: string; index: number; sections: number; scenes: number },
) {
  const { id, index } = props;
  return (
    <div class="section-head">
      <h2 id={`section-${id}`}>{props.label}</h2>
      <details class="section-tools">
        <summary aria-label={`Edit section ${props.label}`}>Edit section</summary>
        <PostForm action={`/sections/${id}/rename`} class="edit-form">
          <label>
            Section title
            <input name="title" maxLength={LIMITS.titleChars} value={props.title ?? ""} placeholder={props.label} />
          </label>
          <button type="submit" class="secondary">Rename</button>
        </PostForm>
        <PostForm action={`/sections/${id}/sentences`} class="edit-form">
          <label>
            New scene at the end of this section
            <textarea name="text" rows={2} required maxLength={LIMITS.sentenceChars} />
          </label>
          <button type="submit" class="secondary">Add scene</button>
        </PostForm>
        <div class="edit-buttons">
          {index > 0 && <MoveSection id={id} position={index - 1} text="Move section up" />}
          {index < props.sections - 1 && <MoveSection id={id} position={index + 1} text="Move section down" />}
        </div>
        {props.sections > 1 && (
          <PostForm action={`/sections/${id}/delete`} class="edit-form delete-form">
            <label class="confirm">
              <input type="checkbox" name="confirm" value="yes" required /> Delete this section and its{" "}
              {props.scenes === 1 ? "scene" : `${props.scenes} scenes`}, with their media.
            </label>
            <button type="submit" class="danger">Delete section</button>
          </PostForm>
        )}
      </details>
    </div>
  );
}

function MoveSection(props: { id: number; position: number; text: string }) {
  return (
    <PostForm action={`/sections/${props.id}/move`}>
      <input type="hidden" name="position" value={String(props.position)} />
      <button type="submit" class="secondary">{props.text}</button>
    </PostForm>
  );
}

/** "Add a section" at the end of the storyboard: a title and, optionally, its script. */
export function AddSection(props: { projectId: number }) {
  return (
    <details class="add-section">
      <summary>Add a section</summary>
      <PostForm action={`/projects/${props.projectId}/sections`} class="edit-form">
        <label>
          Title
          <input name="title" maxLength={LIMITS.titleChars} />
        </label>
        <label>
          Script (optional)
          <textarea name="script" rows={4} maxLength={LIMITS.scriptChars} />
        </label>
        <p class="hint">The script is split into scenes as it was on import.</p>
        <button type="submit">Add section</button>
      </PostForm>
    </details>
  );
}
