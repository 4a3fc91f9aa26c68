/**
 * The worker's task list: graphile-worker task identifier → handler. Add new tasks here (e.g. a
 * periodic clean-up); the generation tasks' identifiers are fixed in core/engine/jobs.ts PART_TASKS.
 */
import type { TaskList } from "graphile-worker";
import { PART_TASKS } from "../../core/engine/jobs.ts";
import { PROMPT_TASK } from "../../core/engine/prompt_queue.ts";
import { generateImageTask } from "./generate_image.ts";
import { generateVideoTask } from "./generate_video.ts";
import { PRUNE_EVENTS_TASK, pruneEventsTask } from "./prune_events.ts";
import { writePromptsTask } from "./write_prompts.ts";
import type { TaskContext } from "./part_task.ts";

export type { TaskContext } from "./part_task.ts";

export function createTaskList(ctx: TaskContext): TaskList {
  return {
    [PART_TASKS.image]: generateImageTask(ctx),
    [PART_TASKS.video]: generateVideoTask(ctx),
    [PRUNE_EVENTS_TASK]: pruneEventsTask(ctx),
    [PROMPT_TASK]: writePromptsTask(ctx),
  };
}
