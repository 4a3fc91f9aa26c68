/**
 * Every scene's state packed in a few bytes (the storyboard's scene index): what the toolbar's
 * counts, the failure details and the notices need about scenes whose cards are not on the page.
 * Pure, no imports: the server writes it (storyboard_outline.ts), the browser reads it
 * (client/scenes_model.ts).
 */

/**
 * Every scene's state in scene order, packed: `unpackIds(ids)[i]` is scene number i + 1, `parts[i]` (one
 * base-36 character, {@link encodeParts}) says whether its image and video are done or failed and
 * out of date, and `notes[i]` ("0"–"3") whether its narration is done (1) and its video prompt
 * empty (2). About 2 bytes a scene besides its id: 20,000 scenes fit in the page.
 */
export interface SceneIndex {
  /** The sentence ids in scene order, packed by {@link packIds}. */
  ids: string;
  parts: string;
  notes: string;
  /** Failed parts (image or video) in scene order, with an excerpt of the scene's text. */
  failures: IndexFailure[];
  /** Whether any scene has a take (the project's zip is not empty). */
  hasMedia: boolean;
}

/** A failed part of a scene, as the index lists it. */
export interface IndexFailure {
  id: number;
  part: "image" | "video";
  error: string;
  /** The scene's text, cut to an excerpt. */
  text: string;
}

/** Status of a part as a scene code holds it. */
export type CodedStatus = "other" | "done" | "failed";

/** What a scene's parts code says. */
export interface PartsCode {
  image: CodedStatus;
  video: CodedStatus;
  imageOutdated: boolean;
  videoOutdated: boolean;
}

const CODED: CodedStatus[] = ["other", "done", "failed"];

/** A part status as the parts code holds it. */
export function codedStatus(status: string): CodedStatus {
  return status === "done" ? "done" : status === "failed" ? "failed" : "other";
}

/** A scene's parts as one base-36 character (the inverse of {@link decodeParts}). */
export function encodeParts(s: PartsCode): string {
  const n = CODED.indexOf(s.image) + 3 * CODED.indexOf(s.video) + 9 * (s.imageOutdated ? 1 : 0) +
    18 * (s.videoOutdated ? 1 : 0);
  return n.toString(36);
}

/** Reads a parts code (see {@link SceneIndex}); an unknown character reads as nothing made. */
export function decodeParts(c: string): PartsCode {
  const n = parseInt(c, 36) || 0;
  return {
    image: CODED[n % 3],
    video: CODED[Math.floor(n / 3) % 3],
    imageOutdated: Math.floor(n / 9) % 2 === 1,
    videoOutdated: Math.floor(n / 18) % 2 === 1,
  };
}

/**
 * Ids as a short string: runs of consecutive ids as `first-last`, others alone, comma-separated
 * (`"7-9,12"` for 7, 8, 9, 12). A project's scenes are mostly consecutive rows: 20,000 ids take a
 * few bytes, not 120 KB.
 */
export function packIds(ids: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length;) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    out.push(j > i ? `${ids[i]}-${ids[j]}` : String(ids[i]));
    i = j + 1;
  }
  return out.join(",");
}

/** The ids {@link packIds} packed (an unreadable piece is skipped). */
export function unpackIds(packed: string): number[] {
  const ids: number[] = [];
  if (!packed) return ids;
  for (const piece of packed.split(",")) {
    const [first, last = first] = piece.split("-").map(Number);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first || last - first > 10_000_000) {
      continue;
    }
    for (let id = first; id <= last; id++) ids.push(id);
  }
  return ids;
}
