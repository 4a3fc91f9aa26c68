/**
 * Island: the image and video slots of one scene card, following the live stream. Props are kept
 * small (a storyboard may have 500+ cards): the sentence id, the scene number and the two parts.
 */
import { ScenePartView } from "../components/ScenePartView.tsx";
import { PART_LABELS, sceneLabel } from "../components/status_labels.ts";
import { useStoryboard } from "../client/hooks.ts";
import { IDLE, type Shown } from "../client/scenes_model.ts";

export interface SceneMediaProps {
  /** Sentence id. */
  id: number;
  /** Scene number shown to the creator. */
  n: number;
  /** The parts as rendered, without their default fields (see `compact`). */
  image: Partial<Shown>;
  video: Partial<Shown>;
  audio: Partial<Shown>;
}

export default function SceneMedia({ id, n, image, video, audio }: SceneMediaProps) {
  const scene = useStoryboard().scenes.scene(id, {
    number: n,
    image: { ...IDLE, ...image },
    video: { ...IDLE, ...video },
    audio: { ...IDLE, ...audio },
  });
  const img = scene.image.value;
  const vid = scene.video.value;
  const label = sceneLabel(n);
  const failed = ([["image", img], ["video", vid]] as const).filter(([, state]) => state.status === "failed");
  return (
    <div class="scene-parts">
      <ScenePartView part="image" state={img} label={label} showError={false} />
      <ScenePartView
        part="video"
        state={vid}
        poster={img.thumbUrl ?? img.url}
        label={label}
        showError={false}
        waitingFor={img.status === "queued" || img.status === "running" ? "After the image" : undefined}
      />
      {/* Errors span both columns: they are messages the creator has to read. */}
      {failed.map(([part, state]) => (
        <p class="part-error" role="note" data-part-error={part} key={part}>
          <strong>{PART_LABELS[part]} failed:</strong> {state.error ?? "no message"}
        </p>
      ))}
    </div>
  );
}
