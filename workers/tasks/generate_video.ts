/**
 * Task `generate_video` (queue `videos`): animates one sentence's finished image into a clip. An
 * empty video prompt is written first (core/domain/video_prompt.ts) and saved on the sentence; see
 * ./part_task.ts for the rest.
 */
import type { Task } from "graphile-worker";
import { mediaMaker } from "./media_maker.ts";
import { runPartJob, type TaskContext } from "./part_task.ts";

export function generateVideoTask(ctx: TaskContext): Task {
  const maker = mediaMaker("video");
  return (payload, helpers) => runPartJob(ctx, maker, payload, helpers);
}
