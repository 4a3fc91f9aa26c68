/** Task `generate_image` (queue `images`): one sentence's still image; see ./part_task.ts. */
import type { Task } from "graphile-worker";
import { mediaMaker } from "./media_maker.ts";
import { runPartJob, type TaskContext } from "./part_task.ts";

export function generateImageTask(ctx: TaskContext): Task {
  const maker = mediaMaker("image");
  return (payload, helpers) => runPartJob(ctx, maker, payload, helpers);
}
