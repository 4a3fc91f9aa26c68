/**
 * File extension → Content-Type, for every file the app serves: static assets (`/static`) and
 * generated media (`/media`). One map, so a new format is added once.
 */

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".m4a": "audio/mp4",
  ".srt": "application/x-subrip",
  ".vtt": "text/vtt; charset=utf-8",
};

/**
 * Generated media kinds: what `/media` may serve (never markup or SVG, which could carry script):
 * pictures, clips, narration, and an export's caption files.
 */
const MEDIA = /^(image\/(png|jpeg|webp|avif|gif)|video\/|audio\/|text\/vtt|application\/x-subrip)/;

function extension(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

/**
 * The Content-Type of a file by its extension (any case), or undefined for an unknown one.
 *
 * @example
 * contentType("build/islands-3f2a.js"); // "text/javascript; charset=utf-8"
 * contentType("notes.unknown");         // undefined
 */
export function contentType(path: string): string | undefined {
  return Object.hasOwn(CONTENT_TYPES, extension(path)) ? CONTENT_TYPES[extension(path)] : undefined;
}

/**
 * The Content-Type of a generated media file (image, clip, narration), or undefined for anything
 * else: `/media` answers 404 for other files.
 *
 * @example
 * mediaContentType("projects/1/7-image.png"); // "image/png"
 * mediaContentType("projects/1/page.svg");    // undefined
 */
export function mediaContentType(path: string): string | undefined {
  const type = contentType(path);
  return type && MEDIA.test(type) ? type : undefined;
}

/**
 * The file extension (without the dot) for a media MIME type, or undefined for one the app does not
 * store.
 *
 * @example
 * extensionFor("audio/mp4"); // "m4a"
 * extensionFor("audio/wav"); // "wav"
 */
export function extensionFor(mimeType: string): string | undefined {
  const found = Object.entries(CONTENT_TYPES).find(([, type]) => type === mimeType);
  return found?.[0].slice(1);
}
