/**
 * When each written word of a project's sentences is heard in their current narration, for the
 * storyboard's cards to light words as they play (the compact form of media/audio/word_spans.ts).
 */
import type { Sql } from "../db/client.ts";
import { wordSpans } from "../../media/audio/word_spans.ts";
import type { WordTiming } from "../../providers/audio/types.ts";
import type { WordSpans } from "../types.ts";

/** Sentence id → word spans, for the sentences of a project whose narration has word timings. */
export async function narrationWordSpans(
  sql: Sql,
  projectId: number,
  sentenceIds?: number[],
): Promise<Map<number, WordSpans>> {
  if (sentenceIds?.length === 0) return new Map();
  const rows = await sql<{ id: number; text: string; words: WordTiming[] }[]>`
    select s.id, s.text, t.words from sentences s
    join scene_parts a on a.sentence_id = s.id and a.kind = 'audio'
    join takes t on t.id = a.take_id
    where s.project_id = ${projectId} and t.words is not null
      ${sentenceIds ? sql`and s.id = any(${sentenceIds}::int[])` : sql``}`;
  return new Map(rows.map((r) => [r.id, wordSpans(r.text, r.words)]));
}
