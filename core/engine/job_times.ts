/**
 * How long a job usually takes, from the takes earlier generations stored (takes.elapsed_ms, by
 * provider): what the storyboard's time-left estimate starts from before the run has finished
 * anything of its own.
 */
import type { Sql } from "../db/client.ts";
import type { TypicalJobMs } from "../types.ts";

/** Takes looked at per kind: recent enough to follow a change of model or settings. */
export const RECENT_TAKES = 20;

/**
 * The median generation time of the newest {@link RECENT_TAKES} takes of each kind made by the
 * given providers (a provider's name as takes.provider stores it: `draft`, `simulated`…). The
 * median, not the mean: a model load or a retry makes a few jobs far longer than the others.
 * Walks the takes newest first (primary key order), so it reads about as many rows as it uses.
 */
export async function typicalJobMs(sql: Sql, providers: { image: string; video: string }): Promise<TypicalJobMs> {
  const median = (kind: "image" | "video", provider: string) =>
    sql`(
      select percentile_cont(0.5) within group (order by recent.elapsed_ms)
      from (
        select elapsed_ms from takes
        where kind = ${kind} and provider = ${provider} and elapsed_ms is not null
        order by id desc limit ${RECENT_TAKES}
      ) recent
    )`;
  const [row] = await sql<{ image: number | null; video: number | null }[]>`
    select ${median("image", providers.image)} as image, ${median("video", providers.video)} as video`;
  const ms = (value: number | null) => value === null ? null : Math.round(Number(value));
  return { image: ms(row.image), video: ms(row.video) };
}
