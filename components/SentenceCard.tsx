import type { SentenceView } from "../core/types.ts";
import { island } from "../islands_runtime/server.tsx";
import { CsrfField } from "./CsrfField.tsx";
import SceneMedia from "../islands/SceneMedia.tsx";
import VideoPromptNote from "../islands/VideoPromptNote.tsx";

const SceneMediaIsland = island("SceneMedia", SceneMedia);
const VideoPromptNoteIsland = island("VideoPromptNote", VideoPromptNote);

const part = (p: SentenceView["image"]) => ({ status: p.status, url: p.url, error: p.error });

/**
 * One scene of the storyboard: narration, prompts (editable with a plain form, no JavaScript
 * needed), audio state, and the image and video slots. The slots are an island (SceneMedia) that
 * follows the live stream; its props are kept small because a storyboard may have 500+ cards.
 */
export function SentenceCard(props: { sentence: SentenceView }) {
  const s = props.sentence;
  return (
    <article class="scene-card" id={`sentence-${s.id}`} data-sentence-id={s.id}>
      <header class="scene-head">
        <span class="scene-number">#{s.number}</span>
        <span class={`audio audio-${s.audio.status}`}>
          {s.audio.status === "ready" ? "Audio ready" : "No audio yet"}
        </span>
      </header>
      <p class="narration">{s.text}</p>
      <SceneMediaIsland id={s.id} n={s.number} image={part(s.image)} video={part(s.video)} />
      <dl class="prompt-list">
        <dt>Image prompt</dt>
        <dd class="image-prompt">{s.imagePrompt || <em>empty</em>}</dd>
        <dt>Video prompt</dt>
        <dd class="video-prompt">
          {s.videoPrompt || <VideoPromptNoteIsland id={s.id} />}
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
