/**
 * The live state of the storyboard's scenes: for each sentence (by id) what its card shows — the
 * text and prompts, and the image, the video and the narration. Each card seeds its scene from its
 * server-rendered props; `scene.updated` events (one part's whole state), `scenes.updated` events
 * (one change to many scenes) and `sentence.updated` events (an edit of the text or prompts, with
 * the parts' new states) move it on. Derived, for the failure details and the toolbar: the page's
 * failed parts in scene order, and how many scenes lack media or have media out of date.
 */
import { computed, type ReadonlySignal, type Signal, signal } from "@preact/signals";
import type { PartName, PartView, ScenesUpdate, SceneUpdate, SentenceView, WordSpans } from "../core/types.ts";
import { type CodedStatus, decodeParts, type SceneIndex, unpackIds } from "../core/domain/scene_codes.ts";

/** What a card shows of a part (a {@link PartView} without the take's details). */
export interface Shown extends
  Pick<
    PartView,
    "status" | "url" | "thumbUrl" | "error" | "attempts" | "phase" | "retryAt" | "outdated" | "takes"
  > {
  /** Out of date because the prompt (or, for narration, the text) changed since the take was made. */
  promptChanged: boolean;
}

/** A scene's words: the narration and the two prompts. */
export interface SceneTexts {
  text: string;
  imagePrompt: string;
  videoPrompt: string;
}

/**
 * Whether `part`'s take was made from another prompt than the scene's current one (`texts`): the
 * card then says "Prompt changed" rather than "Out of date" (which may be a new image, aspect ratio
 * or clip length). An empty video prompt is written when the video is made, so it changes nothing.
 */
export function promptChanged(part: PartName, view: Pick<PartView, "outdated" | "take">, texts: SceneTexts): boolean {
  if (!view.outdated || !view.take) return false;
  const current = part === "image" ? texts.imagePrompt : part === "video" ? texts.videoPrompt : texts.text;
  if (part === "video" && current.trim() === "") return false;
  return view.take.prompt !== current;
}

/** The card's view of a part from the whole state (and the scene's words, when known). */
export function shown(part: PartView, name: PartName = "image", texts?: SceneTexts | null): Shown {
  const { status, url, thumbUrl, error, attempts, phase, retryAt, outdated, takes } = part;
  const changed = texts ? promptChanged(name, part, texts) : false;
  return { status, url, thumbUrl, error, attempts, phase, retryAt, outdated, takes, promptChanged: changed };
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
  promptChanged: false,
};

/** The live signals of one scene. */
export interface SceneSignals {
  /** The scene number the creator sees (0 until its card registered it). */
  number: number;
  image: Signal<Shown>;
  video: Signal<Shown>;
  audio: Signal<Shown>;
  /** The scene's words (null until its card registered them or an event brought them). */
  texts: Signal<SceneTexts | null>;
  /** Word timings of narration made since the render (undefined until then; null: none). */
  words: Signal<WordSpans | null | undefined>;
}

/** A failed scene part, as the failure details list it. */
export interface FailedPart {
  sentenceId: number;
  number: number;
  part: PartName;
  error: string;
}

/** What a card registers: its scene number, words and parts as rendered. */
export interface SceneSeed {
  number: number;
  image: Shown;
  video: Shown;
  audio: Shown;
  texts?: SceneTexts;
}

/** How many scenes Generate All would make (`missing`) and remake with scope "changed" (`outdated`). */
export interface SceneTally {
  /** Scenes without a done image or a done video. */
  missing: number;
  /** Scenes whose image or video is out of date. */
  outdated: number;
  /** Scenes with any media to download. */
  media: number;
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
  /** Applies a `sentence.updated` event: new words, and the parts' states that follow from them. */
  applySentence(sentence: SentenceView): void;
  /** Every failed part of the page, in scene order, live. */
  readonly failures: ReadonlySignal<FailedPart[]>;
  /** What Generate All would do, live (read it only while no run is shown: it reads every scene). */
  readonly tally: ReadonlySignal<SceneTally>;
  /** Scenes registered so far (0 until the cards have hydrated). */
  readonly count: ReadonlySignal<number>;
  /** Registered scenes in scene order (for moving from scene to scene). */
  ordered(): { sentenceId: number; scene: SceneSignals }[];
  /**
   * Takes the page's packed state of every scene (cards load on demand): from then on the failures
   * and the tally cover every scene, those without a card read from the index until an event or
   * their card brings their state.
   */
  seedIndex(index: SceneIndex): void;
  /** The text (an excerpt) of a failed scene without a card, from the index. */
  failedText(sentenceId: number): string | null;
  /**
   * The scenes (in order) whose note (see SceneIndex) has `bit` set (`set` true) or not: those
   * without narration (bit 1 clear) or with an empty video prompt (bit 2 set) when the page was
   * drawn. Empty without an index.
   */
  noted(bit: 1 | 2, set: boolean): number[];
  /**
   * Of `ids` (default: the index's scenes without narration at render), how many have none now
   * and whether any is being narrated; scenes without signals keep their indexed state.
   */
  narration(ids?: number[]): { missing: number; busy: boolean };
  /** Of `ids` (default: the index's scenes whose video prompt was empty), how many still are. */
  emptyVideoPrompts(ids?: number[]): number;
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
 * const scene = scenes.scene(11, { number: 1, image, video, audio }); // a card registers
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

  // The page's scene index (null: only the cards' scenes are known).
  let index: (Omit<SceneIndex, "ids"> & { ids: number[] }) | null = null;
  const numberOf = new Map<number, number>();
  const failedErrors = new Map<string, string>();
  const failedTexts = new Map<number, string>();
  /** Scenes whose texts hold only a video prompt an event brought (their card knows the rest). */
  const partialTexts = new Set<number>();

  /** A part's state as the index has it (no media details: the card brings those). */
  const fromIndex = (id: number, part: PartName, at: number): Shown => {
    if (part === "audio") return (Number(index!.notes[at]) & 1) ? { ...IDLE, status: "done" } : IDLE;
    const code = decodeParts(index!.parts[at]);
    const status: CodedStatus = code[part];
    return {
      ...IDLE,
      status: status === "other" ? "idle" : status,
      error: status === "failed" ? failedErrors.get(`${id}:${part}`) ?? null : null,
      outdated: part === "image" ? code.imageOutdated : code.videoOutdated,
    };
  };

  const scene = (sentenceId: number, seed?: SceneSeed): SceneSignals => {
    let found = scenes.get(sentenceId);
    if (!found) {
      const number = numberOf.get(sentenceId);
      const at = number === undefined ? -1 : number - 1;
      const initial = (part: PartName) => seed?.[part] ?? (at >= 0 ? fromIndex(sentenceId, part, at) : IDLE);
      found = {
        number: seed ? 0 : number ?? 0,
        image: signal(initial("image")),
        video: signal(initial("video")),
        audio: signal(initial("audio")),
        texts: signal(seed?.texts ?? null),
        words: signal(undefined),
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
      if (seed.texts && (!found.texts.peek() || partialTexts.has(sentenceId))) {
        partialTexts.delete(sentenceId);
        found.texts.value = seed.texts;
      }
      known.add(sentenceId);
      if (found.number !== seed.number) {
        found.number = seed.number;
        changed();
      }
    }
    return found;
  };

  /**
   * Reads every scene a card registered (not those only an event or a reader asked for) and, with
   * an index, every scene of the project: those without signals through `readIndexed`.
   */
  const all = (
    read: (s: SceneSignals, sentenceId: number) => void,
    readIndexed?: (sentenceId: number, at: number) => void,
  ) => {
    version.value;
    for (const [id, s] of scenes) if (s.number > 0) read(s, id);
    if (!index || !readIndexed) return;
    for (let at = 0; at < index.ids.length; at++) {
      const id = index.ids[at];
      if (!scenes.get(id)?.number) readIndexed(id, at);
    }
  };

  return {
    scene,
    apply(update) {
      if (typeof update?.sentenceId !== "number" || !PARTS.includes(update.part)) return;
      const target = scene(update.sentenceId);
      known.add(update.sentenceId);
      const texts = target.texts.peek();
      if (update.videoPrompt && texts) target.texts.value = { ...texts, videoPrompt: update.videoPrompt };
      else if (update.videoPrompt) {
        // A scene without its card: keep the written prompt (the notices count it) until the card comes.
        partialTexts.add(update.sentenceId);
        target.texts.value = { text: "", imagePrompt: "", videoPrompt: update.videoPrompt };
      }
      target[update.part].value = { ...IDLE, ...shown(update, update.part, target.texts.peek()) };
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
      if (typeof sentence?.id !== "number" || typeof sentence.text !== "string") return;
      const target = scene(sentence.id);
      known.add(sentence.id);
      partialTexts.delete(sentence.id);
      const texts = { text: sentence.text, imagePrompt: sentence.imagePrompt, videoPrompt: sentence.videoPrompt };
      target.texts.value = texts;
      for (const part of PARTS) {
        if (sentence[part]) target[part].value = { ...IDLE, ...shown(sentence[part], part, texts) };
      }
    },
    failures: computed(() => {
      const out: FailedPart[] = [];
      all((s, sentenceId) => {
        for (const part of PARTS) {
          const state = s[part].value;
          if (state.status === "failed") out.push({ sentenceId, number: s.number, part, error: state.error ?? "" });
        }
      }, (sentenceId, at) => {
        const code = decodeParts(index!.parts[at]);
        for (const part of ["image", "video"] as const) {
          if (code[part] === "failed") {
            out.push({ sentenceId, number: at + 1, part, error: failedErrors.get(`${sentenceId}:${part}`) ?? "" });
          }
        }
      });
      return out.sort(byScene);
    }),
    tally: computed(() => {
      const tally: SceneTally = { missing: 0, outdated: 0, media: 0 };
      all((s) => {
        const image = s.image.value;
        const video = s.video.value;
        if (image.status !== "done" || video.status !== "done") tally.missing++;
        if (image.outdated || video.outdated) tally.outdated++;
        if (image.url || video.url || s.audio.value.url) tally.media++;
      }, (_, at) => {
        const code = decodeParts(index!.parts[at]);
        if (code.image !== "done" || code.video !== "done") tally.missing++;
        if (code.imageOutdated || code.videoOutdated) tally.outdated++;
      });
      if (index?.hasMedia) tally.media++;
      return tally;
    }),
    count: computed(() => (version.value, Math.max(scenes.size, index?.ids.length ?? 0))),
    seedIndex(next) {
      if (index || typeof next?.ids !== "string" || typeof next.parts !== "string") return;
      index = { ...next, ids: unpackIds(next.ids) };
      index.ids.forEach((id, at) => numberOf.set(id, at + 1));
      for (const f of next.failures ?? []) {
        failedErrors.set(`${f.id}:${f.part}`, f.error);
        failedTexts.set(f.id, f.text);
      }
      changed();
    },
    failedText: (sentenceId) => failedTexts.get(sentenceId) ?? null,
    narration(ids) {
      version.value;
      let missing = 0;
      let busy = false;
      for (const id of ids ?? this.noted(1, false)) {
        const s = scenes.get(id);
        const status = s ? s.audio.value.status : "idle";
        if (status !== "done") missing++;
        if (status === "queued" || status === "running") busy = true;
      }
      return { missing, busy };
    },
    emptyVideoPrompts(ids) {
      version.value;
      let empty = 0;
      for (const id of ids ?? this.noted(2, true)) if (!scenes.get(id)?.texts.value?.videoPrompt.trim()) empty++;
      return empty;
    },
    noted(bit, set) {
      if (!index) return [];
      const { ids, notes } = index;
      return ids.filter((_, at) => ((Number(notes[at]) & bit) !== 0) === set);
    },
    ordered: () =>
      [...scenes].filter(([, s]) => s.number > 0).sort((a, b) => a[1].number - b[1].number).map((
        [sentenceId, scene],
      ) => ({
        sentenceId,
        scene,
      })),
  };
}
