/**
 * Sentence cuts from pauses (pure), for a section recording when no transcription server is
 * configured: people pause between sentences, so among the pauses ffmpeg's `silencedetect` finds,
 * pick one per sentence boundary — each near where the text says the boundary should be (by
 * character count), longer pauses preferred — and cut in its middle.
 */

/** A stretch of silence in a recording, in ms. */
export interface Pause {
  startMs: number;
  endMs: number;
}

/**
 * Parses ffmpeg `silencedetect` output ("silence_start: 1.23" … "silence_end: 1.9 | silence_duration: 0.67").
 * A silence still open at the end runs to `totalMs`.
 */
export function parseSilences(stderr: string, totalMs: number): Pause[] {
  const pauses: Pause[] = [];
  let open: number | undefined;
  for (const match of stderr.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const ms = Math.max(0, Math.round(Number(match[2]) * 1000));
    if (match[1] === "start") open = ms;
    else if (open !== undefined) {
      pauses.push({ startMs: open, endMs: ms });
      open = undefined;
    }
  }
  if (open !== undefined && open < totalMs) pauses.push({ startMs: open, endMs: totalMs });
  return pauses;
}

/**
 * Cut times between `sentences` (sentences.length − 1 values, increasing) chosen among `pauses`
 * of a recording of `totalMs`. Leading and trailing silence is not a boundary. Where there are
 * fewer usable pauses than boundaries, the missing cuts fall where the text's proportions put them.
 *
 * @example
 * cutsFromPauses(["One two.", "Three four."], [{startMs: 950, endMs: 1300}], 2400) // → [1125]
 */
export function cutsFromPauses(sentences: string[], pauses: Pause[], totalMs: number): number[] {
  const boundaries = sentences.length - 1;
  if (boundaries <= 0) return [];
  const weights = sentences.map((s) => Math.max(1, s.trim().length));
  const total = weights.reduce((a, b) => a + b, 0);
  const inner = pauses.filter((p) => p.startMs > 0 && p.endMs < totalMs && p.endMs > p.startMs);
  // Speech runs from the end of leading silence to the start of trailing silence.
  const speechStart = pauses.find((p) => p.startMs <= 0)?.endMs ?? 0;
  const speechEnd = pauses.find((p) => p.endMs >= totalMs)?.startMs ?? totalMs;
  let sum = 0;
  const expected = weights.slice(0, -1).map((w) => {
    sum += w;
    return speechStart + ((speechEnd - speechStart) * sum) / total;
  });
  const span = Math.max(1, speechEnd - speechStart);
  // Cost of putting boundary k in pause j: its distance from where the text expects the boundary,
  // less the pause's length (up to a second): a long pause a little further away beats a breath
  // right there. Dynamic programming keeps the cuts in order.
  const cost = (k: number, j: number) => {
    const p = inner[j];
    const middle = (p.startMs + p.endMs) / 2;
    return (Math.abs(middle - expected[k]) - Math.min(1000, p.endMs - p.startMs)) / span;
  };
  const P = inner.length;
  if (P >= boundaries) {
    const best: number[][] = Array.from({ length: boundaries }, () => new Array(P).fill(Infinity));
    const from: number[][] = Array.from({ length: boundaries }, () => new Array(P).fill(-1));
    for (let j = 0; j < P; j++) best[0][j] = cost(0, j);
    for (let k = 1; k < boundaries; k++) {
      let runningBest = Infinity;
      let runningIndex = -1;
      for (let j = 1; j < P; j++) {
        if (best[k - 1][j - 1] < runningBest) {
          runningBest = best[k - 1][j - 1];
          runningIndex = j - 1;
        }
        if (runningIndex >= 0) {
          best[k][j] = runningBest + cost(k, j);
          from[k][j] = runningIndex;
        }
      }
    }
    let j = best[boundaries - 1].indexOf(Math.min(...best[boundaries - 1]));
    const chosen: number[] = [];
    for (let k = boundaries - 1; k >= 0; k--) {
      chosen.unshift(j);
      j = from[k][j];
    }
    return chosen.map((index) => Math.round((inner[index].startMs + inner[index].endMs) / 2));
  }
  // Too few pauses: use each where it fits best, the text's proportions for the rest.
  const cuts = expected.map((e) => Math.round(e));
  const used = new Set<number>();
  for (const p of inner) {
    const middle = (p.startMs + p.endMs) / 2;
    let nearest = -1;
    for (let k = 0; k < boundaries; k++) {
      if (!used.has(k) && (nearest < 0 || Math.abs(expected[k] - middle) < Math.abs(expected[nearest] - middle))) {
        nearest = k;
      }
    }
    if (nearest >= 0) {
      used.add(nearest);
      cuts[nearest] = Math.round(middle);
    }
  }
  return cuts.sort((a, b) => a - b);
}
