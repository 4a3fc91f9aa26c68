import type { SentenceView } from "../core/types.ts";
import { ScenePartView } from "./ScenePartView.tsx";

/**
 * One scene of the storyboard: narration, prompts (editable with a plain form, no JavaScript
 * needed), audio state, and the image and video slots. Pure Preact, so islands can render it too.
 */
export function SentenceCard(props: { sentence: SentenceView }) {
  const s = props.sentence;
  const label = `scene ${s.number}`;
  return (
    <article class="scene-card" id={`sentence-${s.id}`} data-sentence-id={s.id}>
      <header class="scene-head">
        <span class="scene-number">#{s.number}</span>
        <span class={`audio audio-${s.audio.status}`}>
          {s.audio.status === "ready" ? "Audio ready" : "No audio yet"}
        </span>
      </header>
      <p class="narration">{s.text}</p>
      <div class="scene-parts">
        <ScenePartView part="image" state={s.image} label={label} />
        <ScenePartView part="video" state={s.video} poster={s.image.url} label={label} />
      </div>
      <dl class="prompt-list">
        <dt>Image prompt</dt>
        <dd class="image-prompt">{s.imagePrompt || <em>empty</em>}</dd>
        <dt>Video prompt</dt>
        <dd class="video-prompt">
          {s.videoPrompt || <em>empty — written automatically when the video is generated</em>}
        </dd>
      </dl>
      <details class="prompts">
        <summary>Edit prompts</summary>
        <form method="post" action={`/sentences/${s.id}/prompts`} class="prompt-form">
          <label>
            Image prompt
            <textarea name="imagePrompt" rows={3} maxLength={2000}>{s.imagePrompt}</textarea>
          </label>
          <label>
            Video prompt
            <textarea
              name="videoPrompt"
              rows={2}
              maxLength={2000}
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
