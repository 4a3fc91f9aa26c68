import type { SentenceView, WordSpans } from "../core/types.ts";
import NarrationPlayer from "../islands/NarrationPlayer.tsx";
import SceneBody from "../islands/SceneBody.tsx";
import { SceneTextForm } from "./SceneForms.tsx";
import { sceneLabel } from "./status_labels.ts";
import { compact, shown } from "../client/scenes_model.ts";

/**
 * One scene of the storyboard (a sentence of the script): its number, its text with the narration
 * player (NarrationPlayer), the live body (SceneBody: prompts, media, Retry and Regenerate), and
 * "Edit scene": the text and prompts in a plain
 * form (no JavaScript needed), and a link to the scene's page for the edits that change the
 * script's order (split, insert, move, merge, delete) — kept off the storyboard, which may hold
 * thousands of cards.
 */
export function SceneCard(props: { sentence: SentenceView; words?: WordSpans }) {
  const s = props.sentence;
  const texts = { text: s.text, imagePrompt: s.imagePrompt, videoPrompt: s.videoPrompt };
  return (
    <article class="scene-card" id={`sentence-${s.id}`} data-sentence-id={s.id}>
      <header class="scene-head">
        <span class="scene-number">{sceneLabel(s.number)}</span>
      </header>
      {/* The sentence with its narration player and the words lit as it plays (when timed). */}
      <NarrationPlayer id={s.id} text={s.text} audio={compact(shown(s.audio, "audio", texts))} w={props.words} />
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
        <SceneTextForm sentence={s} />
        <a class="more-edits" href={`/sentences/${s.id}/edit`}>Split, insert, move, merge or delete…</a>
      </details>
    </article>
  );
}
