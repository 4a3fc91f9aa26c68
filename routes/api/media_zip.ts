/**
 * GET /api/v1/projects/:id/media.zip: every current take of the project (images, clips,
 * narration) as one zip, named by scene number (`scene-007-image.png`), streamed as it is read —
 * nothing is buffered or written to disk, so a project of gigabytes starts downloading at once.
 * Entries are stored, not compressed (PNG, MP4 and M4A are compressed already); client-zip writes
 * Zip64 when the archive passes 4 GB. The length is known beforehand (the files' sizes), so the
 * browser shows the download's progress. A file missing on disk (removed by hand) is left out.
 * 409 when the project has no media yet.
 */
import { Hono } from "hono";
import { makeZip, predictLength } from "client-zip";
import { mediaFileName, projectZipName } from "../../core/domain/media_names.ts";
import { currentMedia } from "../../core/domain/project_media.ts";
import { ConflictError } from "../../core/domain/errors.ts";
import { mediaPath } from "../../media/store.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly, idParam } from "../http.ts";

interface ZipEntry {
  name: string;
  path: string;
  size: number;
  lastModified: Date;
}

export function mediaZipApi({ sql, config }: AppDeps) {
  const api = new Hono();
  api.get("/:id/media.zip", async (c) => {
    const { title, media } = await currentMedia(sql, idParam(c, "id", "project"));
    const digits = String(media.at(-1)?.number ?? 0).length;
    const entries: ZipEntry[] = [];
    for (const m of media) {
      const path = mediaPath(config.dataDir, m.path);
      const info = await Deno.stat(path).catch(() => null);
      if (!info?.isFile) continue;
      entries.push({
        name: mediaFileName(m.number, m.part, m.path, digits),
        path,
        size: info.size,
        lastModified: m.createdAt,
      });
    }
    if (entries.length === 0) {
      throw new ConflictError("This project has no generated images, clips or narration yet: generate scenes first.");
    }
    const length = predictLength(entries.map(({ name, size }) => ({ name, size })));
    const body = makeZip(files(entries));
    const name = projectZipName(title);
    return new Response(body, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Length": String(length),
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "no-store",
      },
    });
  });
  allowOnly(api, [["/:id/media.zip", "GET, HEAD"]]);
  return api;
}

/** The zip's files, each opened only when the zip reaches it. */
async function* files(entries: ZipEntry[]) {
  for (const entry of entries) {
    const file = await Deno.open(entry.path);
    yield { name: entry.name, lastModified: entry.lastModified, size: entry.size, input: file.readable };
  }
}
