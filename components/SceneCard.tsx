import { LIMITS } from "../core/domain/limits.ts";
import type { SentenceView, WordSpans } from "../core/types.ts";
import { CsrfField } from "./CsrfField.tsx";
import SceneMedia from "../islands/SceneMedia.tsx";
import NarrationPlayer from "../islands/NarrationPlayer.tsx";
import VideoPromptNote from "../islands/VideoPromptNote.tsx";
import { sceneLabel } from "./status_labels.ts";
import { compact, shown } from "../client/scenes_model.ts";

/**
 * One scene of the storyboard (a sentence of the script): narration, prompts (editable with a plain
 * form, no JavaScript needed), audio state, and the image and video slots. The slots are an island
 * (SceneMedia) that follows the live stream; its props are kept small because a storyboard may have
 * 500+ cards.
 */
export function SceneCard(props: { sentence: SentenceView; words?: WordSpans }) {
  const s = props.sentence;
  return (
    <article class="scene-card" id={`sentence-${s.id}`} data-sentence-id={s.id}>
      <header class="scene-head">
        <span class="scene-number">{sceneLabel(s.number)}</span>
        <span class={`audio audio-${s.audio.status}`}>
          {s.audio.status === "done" ? "Audio ready" : "No audio yet"}
        </span>
      </header>
      {/* The sentence with its narration player (issue 13). */}
      <NarrationPlayer id={s.id} text={s.text} audio={compact(shown(s.audio))} w={props.words} />
      <SceneMedia
        id={s.id}
        n={s.number}
        image={compact(shown(s.image))}
        video={compact(shown(s.video))}
        audio={compact(shown(s.audio))}
      />
      <dl class="prompt-list">
        <dt>Image prompt</dt>
        <dd class="image-prompt">{s.imagePrompt || <em>empty</em>}</dd>
        <dt>Video prompt</dt>
        <dd class="video-prompt">
          {s.videoPrompt || <VideoPromptNote id={s.id} />}
        </dd>
      </dl>
      <details class="prompts">
        <summary>Edit prompts</summary>
        <form method="post" action={`/sentences/${s.id}/prompts`} class="prompt-form">
          <CsrfField />
          {/* The prompts as rendered: the server saves only the fields that were changed. */}
          <input type="hidden" name="imagePromptBefore" value={s.imagePrompt} />
          <input type="hidden" name="videoPromptBefore" value={s.videoPrompt} />
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
          <button type="submit">Save prompts</button>
        </form>
      </details>
    </article>
  );
}
