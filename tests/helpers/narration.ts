/**
 * Narration test set-up: a project of several sections, a narration provider that records its
 * calls (section reads and sentence reads), and the audio state of a project's scenes.
 */
import type { Sql } from "../../core/db/client.ts";
import { createProject } from "../../core/domain/projects.ts";
import { createSimulatedAudioProvider } from "../../providers/audio/simulated.ts";
import type { AudioProvider } from "../../providers/audio/types.ts";

/** A project of `sections` sections of `perSection` sentences; ids in reading order. */
export async function makeSectionedProject(
  sql: Sql,
  sections: number,
  perSection: number,
): Promise<{ projectId: number; sectionIds: number[]; sentenceIds: number[][] }> {
  const script = Array.from(
    { length: sections },
    (_, s) =>
      `# Part ${s + 1}\n` +
      Array.from({ length: perSection }, (_, i) => `The keeper climbs stair ${s * perSection + i + 1}.`).join(" "),
  ).join("\n\n");
  const { id } = await createProject(sql, { title: "Narration test", script });
  const rows = await sql<{ section_id: number; id: number }[]>`
    select s.section_id, s.id from sentences s join sections sec on sec.id = s.section_id
    where s.project_id = ${id} order by sec.position, s.position`;
  const sectionIds = [...new Set(rows.map((r) => r.section_id))];
  return {
    projectId: id,
    sectionIds,
    sentenceIds: sectionIds.map((sid) => rows.filter((r) => r.section_id === sid).map((r) => r.id)),
  };
}

/** One call the recorded voice received. */
export interface VoiceCall {
  kind: "section" | "sentence";
  texts: string[];
  attempt: number;
  outcome: "ok" | "error" | "aborted" | "running";
}

/**
 * The simulated voice (section reads with their own timings), recording every call; with
 * `sections: false` it cannot read sections, so every sentence is its own job.
 */
export function recordedVoice(options: { delayMs?: number; sections?: boolean } = {}) {
  const inner = createSimulatedAudioProvider({ delayMs: options.delayMs ?? 0 });
  const calls: VoiceCall[] = [];
  const record = async <T>(call: VoiceCall, signal: AbortSignal, work: () => Promise<T>): Promise<T> => {
    calls.push(call);
    try {
      const result = await work();
      call.outcome = "ok";
      return result;
    } catch (error) {
      call.outcome = signal.aborted ? "aborted" : "error";
      throw error;
    }
  };
  const provider: AudioProvider = {
    name: "recorded simulated",
    synthesize: (r) =>
      record(
        { kind: "sentence", texts: [r.text], attempt: r.attempt, outcome: "running" },
        r.signal,
        () => inner.synthesize(r),
      ),
  };
  if (options.sections !== false) {
    Object.assign(provider, {
      sectionTimings: true,
      synthesizeSection: (r: Parameters<NonNullable<AudioProvider["synthesizeSection"]>>[0]) =>
        record(
          { kind: "section", texts: r.sentences, attempt: r.attempt, outcome: "running" },
          r.signal,
          () => inner.synthesizeSection!(r),
        ),
    });
  }
  return { provider, calls };
}

/** The audio part of each sentence of a project, in reading order, with its current take. */
export async function audioStates(sql: Sql, projectId: number) {
  return await sql<
    {
      id: number;
      text: string;
      status: string;
      attempts: number;
      error: string | null;
      made_by_job: string | null;
      path: string | null;
      prompt: string | null;
      duration_ms: number | null;
      words: { text: string; startMs: number; endMs: number }[] | null;
      provider: string | null;
      seed: string | null;
    }[]
  >`
    select s.id, s.text, p.status, p.attempts, p.error, p.made_by_job, t.path, t.prompt, t.duration_ms, t.words,
      t.provider, t.seed::text
    from sentences s
    join sections sec on sec.id = s.section_id
    join scene_parts p on p.sentence_id = s.id and p.kind = 'audio'
    left join takes t on t.id = p.take_id
    where s.project_id = ${projectId}
    order by sec.position, s.position`;
}
