import type { SentenceView } from "../core/types.ts";
import SceneBody from "../islands/SceneBody.tsx";
import { SceneTextForm } from "./SceneForms.tsx";
import { sceneLabel } from "./status_labels.ts";
import { compact, shown } from "../client/scenes_model.ts";

/**
 * One scene of the storyboard (a sentence of the script): its number, the live body (SceneBody:
 * text, prompts, media, Retry and Regenerate), and "Edit scene": the text and prompts in a plain
 * form (no JavaScript needed), and a link to the scene's page for the edits that change the
 * script's order (split, insert, move, merge, delete) — kept off the storyboard, which may hold
 * thousands of cards.
 */
export function SceneCard(props: { sentence: SentenceView }) {
  const s = props.sentence;
  const texts = { text: s.text, imagePrompt: s.imagePrompt, videoPrompt: s.videoPrompt };
  return (
    <article class="scene-card" id={`sentence-${s.id}`} data-sentence-id={s.id}>
      <header class="scene-head">
        <span class="scene-number">{sceneLabel(s.number)}</span>
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
        <SceneTextForm sentence={s} />
        <a class="more-edits" href={`/sentences/${s.id}/edit`}>Split, insert, move, merge or delete…</a>
      </details>
    </article>
  );
}
