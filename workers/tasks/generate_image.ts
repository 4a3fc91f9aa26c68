/** Task `generate_image` (queue `images`): one sentence's still image; see ./part_task.ts. */
import type { Task } from "graphile-worker";
import { runPartJob, type TaskContext } from "./part_task.ts";

export function generateImageTask(ctx: TaskContext): Task {
  return (payload, helpers) => runPartJob(ctx, "image", payload, helpers);
}
