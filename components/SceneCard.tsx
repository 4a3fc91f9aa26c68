import { LIMITS } from "../core/domain/limits.ts";
import type { SentenceView } from "../core/types.ts";
import SceneBody from "../islands/SceneBody.tsx";
import { sceneLabel } from "./status_labels.ts";
import { compact, shown } from "../client/scenes_model.ts";

/** Where a card sits, for its move buttons: the neighbouring places a scene can go (null: none). */
export interface CardPlace {
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
 * One scene of the storyboard (a sentence of the script): its number, the live body (SceneBody:
 * text, prompts, media, Retry and Regenerate), and "Edit scene" — plain forms that work without
 * JavaScript: the text and prompts, split, insert a scene after it, merge with the next, move, and
 * delete. Each form posts to a page route that redirects back to the card
 * (routes/pages/storyboard_forms.tsx).
 */
export function SceneCard(props: { sentence: SentenceView; place: CardPlace }) {
  const s = props.sentence;
  const { place } = props;
  const texts = { text: s.text, imagePrompt: s.imagePrompt, videoPrompt: s.videoPrompt };
  const label = sceneLabel(s.number);
  return (
    <article class="scene-card" id={`sentence-${s.id}`} data-sentence-id={s.id}>
      <header class="scene-head">
        <span class="scene-number">{label}</span>
        <span class={`audio audio-${s.audio.status}`}>
          {s.audio.status === "done" ? "Audio ready" : "No audio yet"}
        </span>
      </header>
      <SceneBody
        id={s.id}
        n={s.number}
        t={s.text}
        ip={s.imagePrompt === s.text ? undefined : s.imagePrompt}
        vp={s.videoPrompt || undefined}
        image={compact(shown(s.image, "image", texts))}
        video={compact(shown(s.video, "video", texts))}
        audio={compact(shown(s.audio, "audio", texts))}
      />
      <details class="prompts scene-edit">
        <summary>Edit scene</summary>
        <form method="post" action={`/sentences/${s.id}/prompts`} class="prompt-form">
          {/* The words as rendered: the server saves only the fields that were changed. */}
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
            <textarea
              name="videoPrompt"
              rows={2}
              maxLength={LIMITS.promptChars}
              placeholder="Empty: written automatically when the video is generated"
            >
              {s.videoPrompt}
            </textarea>
          </label>
          <button type="submit">Save</button>
        </form>
        <form method="post" action={`/sentences/${s.id}/split`} class="edit-form">
          <label>
            Split into two scenes
            <textarea name="text" rows={3} required maxLength={LIMITS.sentenceChars + 2}>{s.text}</textarea>
          </label>
          <p class="hint">Put a line break where the second scene should start.</p>
          <button type="submit" class="secondary">Split</button>
        </form>
        <form method="post" action={`/sections/${place.sectionId}/sentences`} class="edit-form">
          <input type="hidden" name="position" value={String(place.index + 1)} />
          <label>
            New scene after this one
            <textarea name="text" rows={2} required maxLength={LIMITS.sentenceChars} />
          </label>
          <button type="submit" class="secondary">Insert scene</button>
        </form>
        <div class="edit-buttons">
          {place.up && <MoveForm id={s.id} to={place.up} label={`Move ${label} up`} text="Move up" />}
          {place.down && <MoveForm id={s.id} to={place.down} label={`Move ${label} down`} text="Move down" />}
          {!place.last && (
            <form method="post" action={`/sentences/${s.id}/merge-next`}>
              <button type="submit" class="secondary">Merge with next</button>
            </form>
          )}
          <form method="post" action={`/sentences/${s.id}/delete`}>
            <button type="submit" class="secondary danger" aria-label={`Delete ${label}`}>Delete scene</button>
          </form>
        </div>
      </details>
    </article>
  );
}

function MoveForm(props: { id: number; to: { sectionId: number; position: number }; label: string; text: string }) {
  return (
    <form method="post" action={`/sentences/${props.id}/move`}>
      <input type="hidden" name="sectionId" value={String(props.to.sectionId)} />
      <input type="hidden" name="position" value={String(props.to.position)} />
      <button type="submit" class="secondary" aria-label={props.label}>{props.text}</button>
    </form>
  );
}
