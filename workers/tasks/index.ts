/**
 * The worker's task list: graphile-worker task identifier → handler. Add new tasks here (e.g. a
 * periodic clean-up); the generation tasks' identifiers are fixed in core/engine/jobs.ts PART_TASKS.
 */
import type { TaskList } from "graphile-worker";
import type { Config } from "../../config.ts";
import { ADMIN_ACTION_TASK, adminActionTask } from "./admin_action.ts";
import { EXPORT_TASK, PART_TASKS, THUMBNAIL_TASK } from "../../core/engine/jobs.ts";
import { makeThumbnailTask } from "./make_thumbnail.ts";
import { generateAudioTask } from "./generate_audio.ts";
import { generateImageTask } from "./generate_image.ts";
import { generateVideoTask } from "./generate_video.ts";
import { PRUNE_EVENTS_TASK, pruneEventsTask } from "./prune_events.ts";
import { renderExportTask } from "./render_export.ts";
import { SWEEP_MEDIA_TASK, sweepMediaTask } from "./sweep_media.ts";
import { PROMPT_TASK } from "../../core/engine/prompt_queue.ts";
import { writePromptsTask } from "./write_prompts.ts";
import type { TaskContext } from "./part_task.ts";

export type { TaskContext } from "./part_task.ts";

/** Every task this worker runs, with what each needs. */
export function createTaskList(ctx: TaskContext, config: Config): TaskList {
  return {
    [PART_TASKS.image]: generateImageTask(ctx),
    [PART_TASKS.video]: generateVideoTask(ctx),
    [PART_TASKS.audio]: generateAudioTask(ctx),
    [EXPORT_TASK]: renderExportTask(ctx),
    [PRUNE_EVENTS_TASK]: pruneEventsTask(ctx),
    [THUMBNAIL_TASK]: makeThumbnailTask(ctx),
    [SWEEP_MEDIA_TASK]: sweepMediaTask(ctx),
    [ADMIN_ACTION_TASK]: adminActionTask({ sql: ctx.sql, config, log: ctx.log }),
    [PROMPT_TASK]: writePromptsTask(ctx),
  };
}
