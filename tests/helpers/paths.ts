import { fileURLToPath } from "node:url";

/** A file URL (e.g. from `new URL(..., import.meta.url)`) as a path. */
export function fromFileUrl(url: URL): string {
  return fileURLToPath(url);
}
