/**
 * A creator's own narration, uploaded as a recording (MP3, WAV or M4A; raw body or a form's file):
 * - PUT or POST /api/v1/sentences/:id/audio → 200 {audio}: the sentence's narration;
 * - PUT or POST /api/v1/sections/:id/audio → 200 {sentences: [{id, audio}]}: one recording of the
 *   whole section, split at its sentences (media/audio/split_recording.ts).
 * The body is streamed to disk and checked (media/audio/upload.ts): 413 too big, 415 not a
 * recording, 422 unusable, each with a sentence saying what to do; 409 while that narration is
 * being generated. Other methods → 405.
 */
import { type Context, Hono } from "hono";
import { join } from "node:path";
import {
  type NarrationTarget,
  sectionNarrationTarget,
  sentenceNarrationTarget,
  storeUploadedNarration,
  type UploadedNarration,
} from "../../core/engine/narration_uploads.ts";
import { splitSectionRecording } from "../../media/audio/split_recording.ts";
import { acceptRecording, UploadError } from "../../media/audio/upload.ts";
import { discardMediaFile, type MediaFile, mediaPath, newMediaFile } from "../../media/store.ts";
import { createTranscriberFromSettings } from "../../providers/audio/registry.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam } from "../http.ts";
import { recordingStream } from "../upload_body.ts";

/** Paths whose bodies are recordings (exempt from the app's JSON body limit: they stream). */
export const RECORDING_PATH = /^\/api\/v1\/(sentences|sections)\/[^/]+\/audio$/;

/** The upload routes, mounted at /api/v1. */
export function narrationUploadsApi({ sql, config }: AppDeps) {
  const api = new Hono();
  const transcriber = createTranscriberFromSettings(config.audio);

  /** Accepts the recording into new files for `target`, then stores them; files are removed on any failure. */
  const upload = async (c: Context, target: NarrationTarget, split: boolean) => {
    const files: MediaFile[] = [];
    const signal = c.req.raw.signal;
    const temp = split ? await Deno.makeTempDir({ prefix: "studio-upload-" }) : null;
    try {
      for (const s of target.sentences) {
        files.push(
          await newMediaFile(config.dataDir, { projectId: target.projectId, sentenceId: s.id, part: "audio" }),
        );
      }
      const body = await recordingStream(c.req.raw);
      let uploads: UploadedNarration[];
      if (!temp) {
        const accepted = await acceptRecording(body, files[0].absolute, { signal });
        uploads = [{ sentenceId: target.sentences[0].id, path: files[0].relative, durationMs: accepted.durationMs }];
      } else {
        const accepted = await acceptRecording(body, join(temp, "section.m4a"), { signal });
        const { sentences } = await splitSectionRecording({
          recordingPath: accepted.path,
          durationMs: accepted.durationMs,
          sentences: target.sentences.map((s, i) => ({ text: s.text, outPath: files[i].absolute })),
          transcriber,
          signal,
        });
        uploads = sentences.map((piece, i) => ({
          sentenceId: target.sentences[i].id,
          path: files[i].relative,
          durationMs: piece.durationMs,
          words: piece.words,
        }));
      }
      const stored = await storeUploadedNarration(sql, target.projectId, uploads, config.takesKept);
      files.length = 0; // stored: keep them
      await Promise.all(stored.dropped.map((path) => discardMediaFile(mediaPath(config.dataDir, path))));
      return stored.parts;
    } catch (error) {
      if (error instanceof UploadError) return c.json({ error: error.message }, error.status);
      throw error;
    } finally {
      await Promise.all(files.map((f) => discardMediaFile(f.absolute)));
      if (temp) await Deno.remove(temp, { recursive: true }).catch(() => {});
    }
  };

  api.on(["PUT", "POST"], "/sentences/:id/audio", async (c) => {
    const target = await sentenceNarrationTarget(sql, idParam(c, "id", "sentence"));
    const parts = await upload(c, target, false);
    return parts instanceof Response ? parts : c.json({ audio: parts[0] });
  });
  api.on(["PUT", "POST"], "/sections/:id/audio", async (c) => {
    const target = await sectionNarrationTarget(sql, idParam(c, "id", "section"));
    const parts = await upload(c, target, target.sentences.length > 1);
    if (parts instanceof Response) return parts;
    return c.json({ sentences: target.sentences.map((s, i) => ({ id: s.id, audio: parts[i] })) });
  });
  allowOnly(api, [["/sentences/:id/audio", "PUT, POST"], ["/sections/:id/audio", "PUT, POST"]]);
  return api;
}
