/**
 * GET /media/*: generated images and clips from $STUDIO_DATA_DIR/media. Files are never
 * overwritten (each generation writes a new name), so they are cached for good. Supports byte
 * ranges, which browsers use to seek and loop videos. Paths that try to leave the media folder
 * are refused, and so is any file whose real path (symbolic links resolved) is outside it: a link
 * inside the folder pointing elsewhere serves nothing. Cache-Control is `private`, as with access
 * control on a shared cache must not keep them. `?download` asks for an attachment (the
 * export's download links).
 */
import type { Context } from "hono";
import { resolve, sep } from "node:path";
import { mediaContentType } from "../core/system/mime.ts";

/** A handler serving files below `mediaDir` at `/media/<relative path>`. */
export function serveMedia(mediaDir: string) {
  const root = resolve(mediaDir);
  let realRoot: string | undefined;
  return async function media(c: Context) {
    const notFound = () => c.json({ error: "There is no such media file." }, 404);
    let relative: string;
    try {
      relative = decodeURIComponent(new URL(c.req.url).pathname.replace(/^\/media\//, ""));
    } catch {
      return notFound();
    }
    const path = resolve(root, relative);
    const type = mediaContentType(path);
    if (!path.startsWith(root + sep) || relative.includes("\0") || !type) return notFound();
    let file: Deno.FsFile;
    try {
      realRoot ??= await Deno.realPath(root);
      const real = await Deno.realPath(path);
      if (!real.startsWith(realRoot + sep)) return notFound();
      file = await Deno.open(real);
    } catch {
      return notFound();
    }
    const { size, isFile } = await file.stat();
    if (!isFile) {
      file.close();
      return notFound();
    }
    const headers = new Headers({
      "Content-Type": type,
      "Accept-Ranges": "bytes",
      "Cache-Control": "private, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
    });
    // `?download`: save it (an export's MP4 and captions) rather than show it.
    if (c.req.query("download") !== undefined) {
      headers.set("Content-Disposition", `attachment; filename="${path.slice(path.lastIndexOf(sep) + 1)}"`);
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header("range") ?? "");
    if (range && (range[1] || range[2])) {
      let start = range[1] ? Number(range[1]) : size - Number(range[2]);
      let end = range[1] && range[2] ? Number(range[2]) : size - 1;
      start = Math.max(0, start);
      end = Math.min(end, size - 1);
      if (start > end || start >= size) {
        file.close();
        headers.set("Content-Range", `bytes */${size}`);
        return new Response(null, { status: 416, headers });
      }
      await file.seek(start, Deno.SeekMode.Start);
      headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
      headers.set("Content-Length", String(end - start + 1));
      return new Response(limit(file.readable, end - start + 1), { status: 206, headers });
    }
    headers.set("Content-Length", String(size));
    if (c.req.method === "HEAD") {
      file.close();
      return new Response(null, { status: 200, headers });
    }
    return new Response(file.readable, { status: 200, headers });
  };
}

function limit(stream: ReadableStream<Uint8Array>, bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  const reader = stream.getReader();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done || left <= 0) {
        controller.close();
        await reader.cancel().catch(() => {});
        return;
      }
      const chunk = value.length > left ? value.subarray(0, left) : value;
      left -= chunk.length;
      controller.enqueue(chunk);
      if (left <= 0) {
        controller.close();
        await reader.cancel().catch(() => {});
      }
    },
    cancel: () => reader.cancel(),
  });
}
