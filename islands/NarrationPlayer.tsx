/**
 * Island: a scene card's narration — the sentence, its narration player (native controls), the
 * word being heard lit as it plays (when the narration has word timings), the narration's state
 * while it is made or when it failed, and an upload of the creator's own recording. Follows the
 * live stream: new narration plays (and lights) without a reload.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { useStoryboard } from "../client/hooks.ts";
import { IDLE, type Shown } from "../client/scenes_model.ts";
import { spokenWordAt } from "../client/spoken_word.ts";
import type { WordSpans } from "../core/types.ts";
import { PART_LABELS, STATUS_LABELS } from "../components/status_labels.ts";
import { RecordingUpload } from "../components/RecordingUpload.tsx";

export interface NarrationPlayerProps {
  /** Sentence id. */
  id: number;
  text: string;
  /** The narration part as rendered, without its default fields. */
  audio: Partial<Shown>;
  /** When each word of `text` is heard (media/audio/word_spans.ts), when known. */
  w?: WordSpans;
}

export default function NarrationPlayer({ id, text, audio, w }: NarrationPlayerProps) {
  const scene = useStoryboard().scenes.scene(id);
  const live = scene.audio.value;
  const state = live === IDLE ? { ...IDLE, ...audio } : live;
  // The text as edited since the render (another tab), and the word timings of the narration made for it.
  const current = scene.texts.value?.text ?? text;
  const spans = scene.words.value === undefined ? (current === text ? w : undefined) : scene.words.value;
  const [lit, setLit] = useState(-1);
  const player = useRef<HTMLAudioElement>(null);
  const frame = useRef(0);
  const follow = () => {
    const el = player.current;
    if (!el || !spans?.length) return;
    setLit(el.paused ? -1 : spokenWordAt(spans, el.currentTime * 1000));
    if (!el.paused) frame.current = requestAnimationFrame(follow);
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const busy = state.status === "queued" || state.status === "running";

  return (
    <div class="narration-block" data-audio-status={state.status}>
      <p class="narration">{spans?.length ? wordsOf(current, spans, lit) : current}</p>
      {state.url && (
        <audio
          ref={player}
          src={state.url}
          controls
          preload="none"
          aria-label="Narration"
          onPlay={follow}
          onPause={() => setLit(-1)}
        />
      )}
      <div class="narration-state">
        {(busy || state.status === "failed") && (
          <span class={`badge badge-${state.status}`}>{PART_LABELS.audio}: {STATUS_LABELS[state.status]}</span>
        )}
        {!busy && <RecordingUpload path={`/sentences/${id}/audio`} label="Upload narration" />}
      </div>
      {state.status === "failed" && state.error && <p class="part-error" role="note">{state.error}</p>}
    </div>
  );
}

/** The text with each timed word in a span; the one heard now is marked. */
function wordsOf(text: string, spans: WordSpans, lit: number) {
  const out = [];
  let at = 0;
  for (let i = 0; i + 3 < spans.length; i += 4) {
    out.push(text.slice(at, spans[i]));
    out.push(<span class={i / 4 === lit ? "word spoken" : "word"}>{text.slice(spans[i], spans[i + 1])}</span>);
    at = spans[i + 1];
  }
  out.push(text.slice(at));
  return out;
}
