/**
 * The recording in an upload request, as a stream (never whole in memory): the raw body (any
 * `audio/*` or `application/octet-stream` type, as `fetch(url, {method: "PUT", body: file})`
 * sends it), or the first file of a `multipart/form-data` body (a plain HTML form), read with
 * busboy as it arrives. Size, format and content are checked by media/audio/upload.ts.
 */
import { Readable } from "node:stream";
// @ts-types="@types/busboy"
import Busboy from "busboy";
import { MAX_UPLOAD_BYTES, UploadError } from "../media/audio/upload.ts";

/**
 * The recording's bytes from `request`; an {@link UploadError} for a body that holds none or is
 * larger than `maxBytes` by its Content-Length (so nothing is read).
 *
 * @example
 * const accepted = await acceptRecording(await recordingStream(c.req.raw), outPath, { signal });
 */
export async function recordingStream(
  request: Request,
  maxBytes = MAX_UPLOAD_BYTES,
): Promise<ReadableStream<Uint8Array>> {
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (length > maxBytes + 64 * 1024) {
    throw new UploadError(
      `The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the most a recording may be. ` +
        "Upload a shorter recording or a compressed one (MP3 or M4A).",
      413,
    );
  }
  if (!request.body) throw new UploadError("The request holds no file. Choose a recording in MP3, WAV or M4A.", 422);
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) return request.body;
  return await firstFile(request.body, type, maxBytes);
}

/** The first file part of a multipart body, streamed. */
function firstFile(body: ReadableStream<Uint8Array>, contentType: string, maxBytes: number) {
  return new Promise<ReadableStream<Uint8Array>>((resolve, reject) => {
    let parser: Busboy.Busboy;
    try {
      // One byte past the limit lets acceptRecording see the file is too big and say so.
      parser = Busboy({ headers: { "content-type": contentType }, limits: { files: 1, fileSize: maxBytes + 1 } });
    } catch {
      reject(new UploadError("The form could not be read. Send the recording as a file field of a form.", 422));
      return;
    }
    let found = false;
    parser.on("file", (_field, file) => {
      found = true;
      resolve(Readable.toWeb(file) as unknown as ReadableStream<Uint8Array>);
    });
    parser.on("error", () => {
      reject(new UploadError("The form could not be read; it may have been cut short. Upload the file again.", 422));
    });
    parser.on("close", () => {
      if (!found) reject(new UploadError("The form holds no file. Choose a recording in MP3, WAV or M4A.", 422));
    });
    Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>).pipe(parser);
  });
}
