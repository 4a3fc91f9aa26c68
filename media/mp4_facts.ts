/**
 * Facts an MP4 states about itself, read from its boxes without ffmpeg: the movie's length (mvhd)
 * and whether a track is a video track with frames (hdlr `vide`, a sample description, samples in
 * stsz). Checking each generated clip this way costs microseconds where starting ffmpeg to probe it
 * cost tens of milliseconds between one video job and the next (issue 15, per-job overhead).
 * Anything this reader does not recognise returns null: callers then ask ffmpeg (media/probe.ts).
 */

/** What the boxes say: the movie's length and whether it has a video track with frames. */
export interface Mp4Facts {
  durationMs: number;
  hasVideo: boolean;
}

/**
 * Reads `bytes` as an MP4 (ISO-BMFF) and returns its length and whether it has a video track with
 * frames; null when the boxes do not say (no moov or mvhd, a duration of 0, fragmented files).
 * @example const facts = mp4Facts(await Deno.readFile("clip.mp4")); // { durationMs: 4000, hasVideo: true }
 */
export function mp4Facts(bytes: Uint8Array): Mp4Facts | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const moov = boxes(view, 0, bytes.length).find((b) => b.type === "moov");
  if (!moov) return null;
  const children = boxes(view, moov.body, moov.end);
  const mvhd = children.find((b) => b.type === "mvhd");
  if (!mvhd || mvhd.end - mvhd.body < 32) return null;
  const version = view.getUint8(mvhd.body);
  const timescale = view.getUint32(mvhd.body + (version === 1 ? 20 : 12));
  const duration = version === 1 ? Number(view.getBigUint64(mvhd.body + 24)) : view.getUint32(mvhd.body + 16);
  if (!timescale || !duration || duration === 0xffffffff) return null;
  const hasVideo = children.filter((b) => b.type === "trak").some((trak) => isVideoTrackWithFrames(view, trak));
  return { durationMs: Math.round((duration / timescale) * 1000), hasVideo };
}

interface Box {
  type: string;
  /** Offset of the box's contents (after its header). */
  body: number;
  end: number;
}

/** The boxes between `start` and `end`; stops at the first box that does not fit. */
function boxes(view: DataView, start: number, end: number): Box[] {
  const found: Box[] = [];
  for (let offset = start; offset + 8 <= end;) {
    let size = view.getUint32(offset);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) break;
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) size = end - offset;
    if (size < header || offset + size > end) break;
    const type = String.fromCharCode(
      view.getUint8(offset + 4),
      view.getUint8(offset + 5),
      view.getUint8(offset + 6),
      view.getUint8(offset + 7),
    );
    found.push({ type, body: offset + header, end: offset + size });
    offset += size;
  }
  return found;
}

function child(view: DataView, box: Box | undefined, type: string): Box | undefined {
  return box && boxes(view, box.body, box.end).find((b) => b.type === type);
}

/** trak → mdia → hdlr says `vide`, its stsd describes at least one format, and stsz counts samples. */
function isVideoTrackWithFrames(view: DataView, trak: Box): boolean {
  const mdia = child(view, trak, "mdia");
  const hdlr = child(view, mdia, "hdlr");
  if (!hdlr || hdlr.end - hdlr.body < 12) return false;
  const handler = String.fromCharCode(
    view.getUint8(hdlr.body + 8),
    view.getUint8(hdlr.body + 9),
    view.getUint8(hdlr.body + 10),
    view.getUint8(hdlr.body + 11),
  );
  if (handler !== "vide") return false;
  const stbl = child(view, child(view, mdia, "minf"), "stbl");
  const stsd = child(view, stbl, "stsd");
  const stsz = child(view, stbl, "stsz");
  if (!stsd || stsd.end - stsd.body < 8 || view.getUint32(stsd.body + 4) < 1) return false;
  return !!stsz && stsz.end - stsz.body >= 12 && view.getUint32(stsz.body + 8) > 0;
}
