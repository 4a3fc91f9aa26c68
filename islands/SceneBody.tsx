/**
 * Island: the live body of one scene card — its prompts (live after an edit in another tab; the
 * text itself is shown by NarrationPlayer), the image and video slots (thumbnails that open the viewer, takes, downloads,
 * what a queued part waits for, a retry's countdown, "Prompt changed"), Retry on a failed part,
 * and the Regenerate menu (which also writes this scene's prompts with the prompt writer). Props are kept small (a storyboard may have 500+ cards): the prompts
 * only where they differ from the defaults, the parts without their default fields.
 */
import { useRef, useState } from "preact/hooks";
import { ScenePartView } from "../components/ScenePartView.tsx";
import { PART_LABELS, retryNote, sceneLabel } from "../components/status_labels.ts";
import { useStoryboard } from "../client/hooks.ts";
import { IDLE, type Shown } from "../client/scenes_model.ts";
import { useClock } from "../client/use_clock.ts";
import { mediaFileName } from "../core/domain/media_names.ts";
import type { PartName } from "../core/types.ts";

export interface SceneBodyProps {
  /** Sentence id. */
  id: number;
  /** Scene number shown to the creator. */
  n: number;
  /** The narration text. */
  t: string;
  /** The image prompt, when it is not the text itself. */
  ip?: string;
  /** The video prompt, when there is one. */
  vp?: string;
  /** The parts as rendered, without their default fields (see `compact`). */
  image: Partial<Shown>;
  video: Partial<Shown>;
  audio: Partial<Shown>;
}

const REGENERATE: [label: string, parts: PartName[]][] = [
  ["Image and video", ["image", "video"]],
  ["Image only", ["image"]],
  ["Video only", ["video"]],
];

const live = (s: Shown) => s.status === "queued" || s.status === "running";

export default function SceneBody({ id, n, t, ip, vp, image, video, audio }: SceneBodyProps) {
  const storyboard = useStoryboard();
  const { run, prompts } = storyboard;
  const scene = storyboard.scenes.scene(id, {
    number: n,
    image: { ...IDLE, ...image },
    video: { ...IDLE, ...video },
    audio: { ...IDLE, ...audio },
    texts: { text: t, imagePrompt: ip ?? t, videoPrompt: vp ?? "" },
  });
  const texts = scene.texts.value ?? { text: t, imagePrompt: ip ?? t, videoPrompt: vp ?? "" };
  const img = scene.image.value;
  const vid = scene.video.value;
  const label = sceneLabel(n);
  const [error, setError] = useState<string | null>(null);
  const menu = useRef<HTMLDetailsElement>(null);
  // The menu's items exist only while it is open: a storyboard of 500 cards carries none of them.
  const [menuOpen, setMenuOpen] = useState(false);
  const pending = run.retrying.value.has(id);
  const busy = pending || live(img) || live(vid);
  const retrying = ([["image", img], ["video", vid]] as const).filter(([, s]) => s.phase === "retrying");
  const now = useClock(retrying.length > 0);
  // "Write prompts" for this scene: its job, while it runs, and its request's error, are this card's.
  const promptsKey = `scene:${id}`;
  const promptJob = prompts.job.value;
  const promptsBusy = promptJob?.status === "active" || prompts.busy.value !== null;
  const writing = promptsBusy && (prompts.busy.value === promptsKey ||
    (promptJob?.status === "active" && prompts.origin.value?.jobId === promptJob.jobId &&
      prompts.origin.value.key === promptsKey));
  const promptsError = prompts.error.value?.origin === promptsKey ? prompts.error.value.message : null;

  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    if (menu.current) menu.current.open = false;
    try {
      await call();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const slot = (part: "image" | "video", state: Shown) => (
    <ScenePartView
      part={part}
      state={state}
      label={label}
      poster={part === "video" ? img.thumbUrl ?? img.url : undefined}
      waitingFor={part === "video" && live(img) ? "After the image" : undefined}
      fileName={state.url ? mediaFileName(n, part, state.url) : undefined}
      onOpen={(e) => {
        e.preventDefault();
        storyboard.viewer.show(e.currentTarget, { sentenceId: id, part });
      }}
      onTakes={(e) => storyboard.takes.show(e.currentTarget, { sentenceId: id, part })}
    />
  );

  return (
    <>
      <div class="scene-parts">
        {slot("image", img)}
        {slot("video", vid)}
        {/* Notes span both columns: they are messages the creator has to read. */}
        {retrying.map(([part, state]) => (
          <p class="part-note" role="note" data-part-note={part} key={part}>
            <strong>{PART_LABELS[part]}:</strong> {retryNote(
              state.attempts,
              state.error,
              now === null || !state.retryAt ? 0 : Math.ceil((run.localTime(state.retryAt) - now) / 1000),
            )}
          </p>
        ))}
        {([["image", img], ["video", vid]] as const).filter(([, s]) => s.status === "failed").map(([part, state]) => (
          <p class="part-error" role="note" data-part-error={part} key={part}>
            <strong>{PART_LABELS[part]} failed:</strong> {state.error ?? "no message"}{" "}
            <button
              type="button"
              class="secondary small"
              data-testid="card-retry"
              aria-disabled={pending ? "true" : undefined}
              aria-label={`Retry the ${PART_LABELS[part].toLowerCase()} of ${label}`}
              onClick={() =>
                !pending && act(() =>
                  run.retry([id])
                )}
            >
              {pending ? "Retrying…" : "Retry"}
            </button>
          </p>
        ))}
      </div>
      <div class="scene-actions">
        <details
          class="menu"
          ref={menu}
          // Like a menu: Esc closes it (back on its button), and so does tabbing out of it. (Not a
          // focus lost to nothing: Safari does not focus a clicked button, so that is a click inside.)
          onKeyDown={(e) => {
            if (e.key !== "Escape" || !menu.current?.open) return;
            e.preventDefault();
            menu.current.open = false;
            menu.current.querySelector("summary")?.focus();
          }}
          onToggle={(e) => setMenuOpen(e.currentTarget.open)}
          onFocusOut={(e) => {
            const next = e.relatedTarget as Node | null;
            if (next && menu.current && !menu.current.contains(next)) menu.current.open = false;
          }}
        >
          <summary data-testid="regenerate" aria-label={`Regenerate ${label}`}>Regenerate</summary>
          {menuOpen && (
            <div class="menu-items">
              {REGENERATE.map(([text, parts]) => (
                <button
                  type="button"
                  key={text}
                  aria-disabled={busy || (parts[0] === "video" && img.status !== "done") ? "true" : undefined}
                  data-parts={parts.join(" ")}
                  onClick={() =>
                    !busy && (parts[0] !== "video" || img.status === "done") && act(() => run.regenerate(id, parts))}
                >
                  {text}
                </button>
              ))}
              <button
                type="button"
                data-testid="card-write-prompts"
                aria-disabled={promptsBusy ? "true" : undefined}
                title="Write this scene's image and video prompts with the prompt writer (your own prompts are kept)"
                onClick={() => {
                  if (promptsBusy) return;
                  if (menu.current) menu.current.open = false;
                  prompts.write(promptsKey, storyboard.page?.projectId ?? 0, { sentenceIds: [id] });
                }}
              >
                Write prompts
              </button>
            </div>
          )}
        </details>
        {writing && <p class="part-note" role="status" data-testid="card-writing-prompts">Writing prompts…</p>}
        {error && <p class="part-error" role="alert" data-testid="card-error">{error}</p>}
        {promptsError && <p class="part-error" role="alert" data-testid="card-prompts-error">{promptsError}</p>}
      </div>
      <dl class="prompt-list">
        <dt>Image prompt</dt>
        <dd class="image-prompt">{texts.imagePrompt || <em>empty</em>}</dd>
        <dt>Video prompt</dt>
        <dd class="video-prompt">
          {!texts.videoPrompt
            ? <em>empty — written automatically when the video is generated</em>
            : vp
            ? texts.videoPrompt
            // Empty when the page was drawn, written since: the engine or the prompt writer did.
            : <span class="video-prompt-written">{texts.videoPrompt}</span>}
        </dd>
      </dl>
    </>
  );
}
