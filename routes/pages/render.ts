/** Renders a page component to a full HTML document. */
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";

export function renderPage(page: VNode): string {
  return "<!DOCTYPE html>" + renderToString(page);
}
