import type { ComponentChildren } from "preact";
import { SessionControls } from "./SessionControls.tsx";

/**
 * The HTML document around every page. `renderPage()` (islands_runtime/server.tsx) adds the islands'
 * props and bundle at the end of `<body>` only when an island rendered, so plain pages ship no
 * JavaScript.
 */
export function Layout(props: { title: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Scene Studio</title>
        <link rel="stylesheet" href="/static/styles.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">Scene Studio</a>
          <SessionControls />
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
