import { LIMITS } from "../core/domain/limits.ts";
import type { SentenceView } from "../core/types.ts";
import { PostForm } from "./PostForm.tsx";
import { sceneLabel } from "./status_labels.ts";

/** Where a scene sits, for its move buttons: the neighbouring places it can go (null: none). */
export interface ScenePlace {
  sectionId: number;
  /** 0-based position in its section. */
  index: number;
  /** The last scene of its section (nothing to merge with). */
  last: boolean;
  /** Where "Move up" and "Move down" put it. */
  up: { sectionId: number; position: number } | null;
  down: { sectionId: number; position: number } | null;
}

/**
 * A scene's words: the narration and the two prompts, in one plain form (no JavaScript needed).
 * It carries the words as rendered (`…Before`): the server saves only the fields that were changed,
 * so an untouched field never overwrites what the engine or another tab wrote meanwhile.
 */
export function SceneTextForm(props: { sentence: SentenceView }) {
  const s = props.sentence;
  return (
    <PostForm action={`/sentences/${s.id}/prompts`} class="prompt-form">
      <input type="hidden" name="textBefore" value={s.text} />
      <input type="hidden" name="imagePromptBefore" value={s.imagePrompt} />
      <input type="hidden" name="videoPromptBefore" value={s.videoPrompt} />
      <label>
        Narration
        <textarea name="text" rows={3} required maxLength={LIMITS.sentenceChars}>{s.text}</textarea>
      </label>
      <label>
        Image prompt
        <textarea name="imagePrompt" rows={3} maxLength={LIMITS.promptChars}>{s.imagePrompt}</textarea>
      </label>
      <label>
        Video prompt
        <textarea name="videoPrompt" rows={2} maxLength={LIMITS.promptChars}>{s.videoPrompt}</textarea>
      </label>
      <button type="submit">Save</button>
    </PostForm>
  );
}

/**
 * The edits that change the script's order: split the scene, insert one after it, move it up or
 * down (into the neighbouring section at either end of its own), merge it with the next, delete
 * it. Plain forms; each redirects back to the storyboard.
 */
export function SceneStructureForms(props: { sentence: SentenceView; place: ScenePlace; next?: string }) {
  const { sentence: s, place } = props;
  const label = sceneLabel(s.number);
  return (
    <>
      <PostForm action={`/sentences/${s.id}/split`} class="edit-form">
        <label>
          Split into two scenes
          <textarea name="text" rows={3} required maxLength={LIMITS.sentenceChars + 2}>{s.text}</textarea>
        </label>
        <p class="hint">Put a line break where the second scene should start.</p>
        <button type="submit" class="secondary">Split</button>
      </PostForm>
      <PostForm action={`/sections/${place.sectionId}/sentences`} class="edit-form">
        <input type="hidden" name="position" value={String(place.index + 1)} />
        <label>
          New scene after this one
          <textarea name="text" rows={2} required maxLength={LIMITS.sentenceChars} />
        </label>
        <button type="submit" class="secondary">Insert scene</button>
      </PostForm>
      {!place.last && (
        <PostForm action={`/sentences/${s.id}/merge-next`} class="edit-form">
          {props.next && <p class="hint">The next scene: “{props.next}”</p>}
          <button type="submit" class="secondary">Merge with the next scene</button>
        </PostForm>
      )}
      <div class="edit-buttons">
        {place.up && <MoveForm id={s.id} to={place.up} text={`Move ${label} up`} />}
        {place.down && <MoveForm id={s.id} to={place.down} text={`Move ${label} down`} />}
        <PostForm action={`/sentences/${s.id}/delete`}>
          <button type="submit" class="secondary danger">Delete {label}</button>
        </PostForm>
      </div>
    </>
  );
}

function MoveForm(props: { id: number; to: { sectionId: number; position: number }; text: string }) {
  return (
    <PostForm action={`/sentences/${props.id}/move`}>
      <input type="hidden" name="sectionId" value={String(props.to.sectionId)} />
      <input type="hidden" name="position" value={String(props.to.position)} />
      <button type="submit" class="secondary">{props.text}</button>
    </PostForm>
  );
}

/**
 * Where each scene of a project can move to, by sentence id: up and down within its section, and
 * from either end into the neighbouring section.
 */
export function scenePlaces(sections: { id: number; sentences: { id: number }[] }[]): Map<number, ScenePlace> {
  const places = new Map<number, ScenePlace>();
  sections.forEach((section, si) => {
    const before = sections[si - 1];
    const after = sections[si + 1];
    section.sentences.forEach((s, index) => {
      const last = index === section.sentences.length - 1;
      places.set(s.id, {
        sectionId: section.id,
        index,
        last,
        up: index > 0
          ? { sectionId: section.id, position: index - 1 }
          : before
          ? { sectionId: before.id, position: before.sentences.length }
          : null,
        down: !last
          ? { sectionId: section.id, position: index + 1 }
          : after
          ? { sectionId: after.id, position: 0 }
          : null,
      });
    });
  });
  return places;
}
