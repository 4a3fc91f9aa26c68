/**
 * The live state of the storyboard's scenes: for each sentence (by id) what its card shows of the
 * image, the video and the narration, and the video prompt once the engine has written it. Each
 * card seeds its scene from its server-rendered props; `scene.updated` events (one part's whole
 * state) and `scenes.updated` events (one change to many scenes) move it on. Derived: the page's
 * failed parts, in scene order (the failure details and the toolbar's "N failed" read them).
 */
import { computed, type ReadonlySignal, type Signal, signal } from "@preact/signals";
import type { PartName, PartView, ScenesUpdate, SceneUpdate, SentenceView, WordSpans } from "../core/types.ts";

/** What a card shows of a part (a {@link PartView} without the take's details). */
export type Shown = Pick<
  PartView,
  "status" | "url" | "thumbUrl" | "error" | "attempts" | "phase" | "retryAt" | "outdated" | "takes"
>;

/** The card's view of a part from the whole state. */
export function shown(part: PartView): Shown {
  const { status, url, thumbUrl, error, attempts, phase, retryAt, outdated, takes } = part;
  return { status, url, thumbUrl, error, attempts, phase, retryAt, outdated, takes };
}

/**
 * A part's view without the fields that equal {@link IDLE}'s: what a card hands its island as
 * props (a storyboard may have thousands of cards). `{ ...IDLE, ...compact(part) }` restores it.
 */
export function compact(part: Shown): Partial<Shown> {
  const out: Partial<Record<keyof Shown, unknown>> = {};
  for (const key of Object.keys(part) as (keyof Shown)[]) {
    if (part[key] !== IDLE[key]) out[key] = part[key];
  }
  return out as Partial<Shown>;
}

/** A part with nothing made yet. */
export const IDLE: Shown = {
  status: "idle",
  url: null,
  thumbUrl: null,
  error: null,
  attempts: 0,
  phase: null,
  retryAt: null,
  outdated: false,
  takes: 0,
};

/** The live signals of one scene. */
export interface SceneSignals {
  /** The scene number the creator sees (0 until its card registered it). */
  number: number;
  image: Signal<Shown>;
  video: Signal<Shown>;
  audio: Signal<Shown>;
  /** The video prompt once the engine or the prompt writer has written it (null until then). */
  videoPrompt: Signal<string | null>;
  /** Word timings of narration made since the render (undefined until then; null: none). */
  words: Signal<WordSpans | null | undefined>;
  /** The image prompt once it changed after the render (null until then). */
  imagePrompt: Signal<string | null>;
}

/** A failed scene part, as the failure details list it. */
export interface FailedPart {
  sentenceId: number;
  number: number;
  part: PartName;
  error: string;
}

/** What a card registers: its scene number and its parts as rendered. */
export interface SceneSeed {
  number: number;
  image: Shown;
  video: Shown;
  audio: Shown;
}

/** The scenes of the page; see the module doc. */
export interface ScenesModel {
  /**
   * The signals of a sentence's scene. A card passes its `seed` (number and rendered state); other
   * readers get the same signals without one.
   */
  scene(sentenceId: number, seed?: SceneSeed): SceneSignals;
  /** Applies a `scene.updated` event (the whole new state of that part). */
  apply(update: SceneUpdate): void;
  /** Applies a `scenes.updated` event (one change to one part of many scenes; each keeps its media). */
  applyBulk(update: ScenesUpdate): void;
  /** Applies a `sentence.updated` event: the scene's prompts (its parts come with their own events). */
  applySentence(sentence: SentenceView): void;
  /** Every failed part of the page, in scene order, live. */
  readonly failures: ReadonlySignal<FailedPart[]>;
  /** Scenes registered so far (0 until the cards have hydrated). */
  readonly count: ReadonlySignal<number>;
}

const PARTS = ["image", "video", "audio"] as const;

/** Orders failed parts as the creator reads them: by scene, the image before the video. */
export function byScene(a: FailedPart, b: FailedPart): number {
  return a.number - b.number || (a.part < b.part ? -1 : a.part > b.part ? 1 : 0);
}

/**
 * The page's scenes (see the module doc).
 *
 * @example
 * const scenes = createScenesModel();
 * const scene = scenes.scene(11, { number: 1, image, video }); // a card registers
 * scenes.apply({ sentenceId: 11, part: "image", status: "running", url: null, error: null, attempts: 1 });
 * scene.image.value.status; // "running"
 */
export function createScenesModel(): ScenesModel {
  const scenes = new Map<number, SceneSignals>();
  /** Sentences whose state came from their card or an event (not just defaults). */
  const known = new Set<number>();
  // Cards register during hydration, hundreds at once: readers hear of it once, after the burst.
  const version = signal(0);
  let versionPending = false;
  const changed = () => {
    if (versionPending) return;
    versionPending = true;
    queueMicrotask(() => {
      versionPending = false;
      version.value++;
    });
  };

  const scene = (sentenceId: number, seed?: SceneSeed): SceneSignals => {
    let found = scenes.get(sentenceId);
    if (!found) {
      found = {
        number: 0,
        image: signal(seed?.image ?? IDLE),
        video: signal(seed?.video ?? IDLE),
        audio: signal(seed?.audio ?? IDLE),
        videoPrompt: signal(null),
        words: signal(undefined),
        imagePrompt: signal(null),
      };
      scenes.set(sentenceId, found);
      changed();
    } else if (seed && !known.has(sentenceId)) {
      // Asked for by a reader before its card registered (and no event since): the card knows.
      found.image.value = seed.image;
      found.video.value = seed.video;
      found.audio.value = seed.audio;
    }
    if (seed) {
      known.add(sentenceId);
      if (found.number !== seed.number) {
        found.number = seed.number;
        changed();
      }
    }
    return found;
  };

  return {
    scene,
    apply(update) {
      if (typeof update?.sentenceId !== "number" || !PARTS.includes(update.part)) return;
      const target = scene(update.sentenceId);
      known.add(update.sentenceId);
      target[update.part].value = { ...IDLE, ...shown(update) };
      if (update.videoPrompt) target.videoPrompt.value = update.videoPrompt;
      if (update.part === "audio" && update.status === "done") target.words.value = update.words ?? null;
    },
    applyBulk(update) {
      if (!Array.isArray(update?.sentenceIds) || !PARTS.includes(update.part)) return;
      for (const id of update.sentenceIds) {
        const target = scene(id);
        known.add(id);
        const prev = target[update.part].peek();
        target[update.part].value = {
          ...prev,
          status: update.status,
          phase: update.phase ?? null,
          retryAt: null,
          error: update.error === undefined ? prev.error : update.error,
          attempts: update.attempts ?? prev.attempts,
        };
      }
    },
    applySentence(sentence) {
      if (typeof sentence?.id !== "number") return;
      const target = scene(sentence.id);
      target.imagePrompt.value = sentence.imagePrompt;
      target.videoPrompt.value = sentence.videoPrompt;
    },
    failures: computed(() => {
      version.value;
      const out: FailedPart[] = [];
      for (const [sentenceId, s] of scenes) {
        for (const part of PARTS) {
          const state = s[part].value;
          if (state.status === "failed") out.push({ sentenceId, number: s.number, part, error: state.error ?? "" });
        }
      }
      return out.sort(byScene);
    }),
    count: computed(() => (version.value, scenes.size)),
  };
}
