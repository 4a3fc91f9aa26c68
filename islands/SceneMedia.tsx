/**
 * Island: the image and video slots of one scene card, following the live stream. Props are kept
 * small (a storyboard may have 500+ cards): the sentence id, its number and the two parts' states.
 */
import { type PartState, ScenePartView } from "../components/ScenePartView.tsx";
import { IS_BROWSER, store } from "./_store.ts";

export interface SceneMediaProps {
  /** Sentence id. */
  id: number;
  /** Scene number shown to the creator. */
  n: number;
  image: PartState;
  video: PartState;
}

export default function SceneMedia({ id, n, image, video }: SceneMediaProps) {
  // On the server: the props. In the browser: the store's signals, seeded with the props.
  const scene = IS_BROWSER ? store.scene(id, { number: n, image, video }) : null;
  const img = scene ? scene.image.value : image;
  const vid = scene ? scene.video.value : video;
  const label = `scene ${n}`;
  const failed = ([["image", img], ["video", vid]] as const).filter(([, state]) => state.status === "failed");
  return (
    <div class="scene-parts">
      <ScenePartView part="image" state={img} label={label} showError={false} />
      <ScenePartView
        part="video"
        state={vid}
        poster={img.url}
        label={label}
        showError={false}
        waitingFor={img.status === "queued" || img.status === "running" ? "After the image" : undefined}
      />
      {/* Errors span both columns: they are sentences the creator has to read. */}
      {failed.map(([part, state]) => (
        <p class="part-error" role="note" data-part-error={part} key={part}>
          <strong>{part === "image" ? "Image" : "Video"} failed:</strong> {state.error ?? "no message"}
        </p>
      ))}
    </div>
  );
}
