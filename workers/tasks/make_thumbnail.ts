/**
 * Task `make_thumbnail` (no named queue: it runs beside the generation queues, so the GPU never
 * waits for it): a small JPEG of a take's image or first video frame for the cards. The take may
 * be gone by then (pruned, scene deleted): the file is then dropped. A card whose part shows this
 * take hears of it through a `scene.updated` event.
 */
import type { Task } from "graphile-worker";
import type { Sql } from "../../core/db/client.ts";
import { attachThumbnail, takeFile } from "../../core/engine/takes.ts";
import { discardMediaFile, mediaPath, newMediaFile } from "../../media/store.ts";
import { makeThumbnail } from "../../media/thumbnail.ts";

/** The thumbnail of take `takeId`, stored and announced; a plain function the task calls. */
export async function runMakeThumbnail(sql: Sql, dataDir: string, takeId: number): Promise<void> {
  const take = await takeFile(sql, takeId);
  if (!take || take.thumbPath) return;
  const thumb = await newMediaFile(dataDir, take, { label: `${take.part}-thumb`, ext: "jpg" });
  try {
    await makeThumbnail(mediaPath(dataDir, take.path), thumb.absolute);
    if (!(await attachThumbnail(sql, takeId, thumb.relative))) await discardMediaFile(thumb.absolute);
  } catch (error) {
    await discardMediaFile(thumb.absolute);
    throw error;
  }
}

export function makeThumbnailTask(ctx: { sql: Sql; dataDir: string }): Task {
  return async (payload) => {
    const takeId = Number((payload as { takeId?: unknown } | null)?.takeId);
    if (Number.isSafeInteger(takeId) && takeId > 0) await runMakeThumbnail(ctx.sql, ctx.dataDir, takeId);
  };
}
