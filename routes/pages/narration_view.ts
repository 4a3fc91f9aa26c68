/** The storyboard's narration notice, from the project's scenes (pure). */
import type { ProjectView } from "../../core/types.ts";

/** The sentences without narration, and the sections they are in (what "Generate section audio" narrates). */
export function missingNarration(project: ProjectView): { ids: number[]; sectionIds: number[] } {
  const ids: number[] = [];
  const sectionIds: number[] = [];
  for (const section of project.sections) {
    const missing = section.sentences.filter((s) => s.audio.status !== "done").map((s) => s.id);
    ids.push(...missing);
    if (missing.length) sectionIds.push(section.id);
  }
  return { ids, sectionIds };
}
