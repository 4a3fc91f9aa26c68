/** Renders a page component (a Layout) to a full HTML document, with island assets if any. */
import type { VNode } from "preact";
import { renderToStringWithIslands } from "../../islands_runtime/server.tsx";

export function renderPage(page: VNode): string {
  return "<!DOCTYPE html>" + renderToStringWithIslands(page);
}
