/**
 * Task `generate_audio` (queue `audio`): one sentence's narration — or its whole section's, when the
 * voice reads sections (./narration_maker.ts); see ./part_task.ts for the job's life.
 */
import type { Task } from "graphile-worker";
import { narrationMaker } from "./narration_maker.ts";
import { runPartJob, type TaskContext } from "./part_task.ts";

/** The `generate_audio` task: one narration job (a sentence, or a section read whole). */
export function generateAudioTask(ctx: TaskContext): Task {
  return (payload, helpers) => runPartJob(ctx, narrationMaker, payload, helpers);
}
