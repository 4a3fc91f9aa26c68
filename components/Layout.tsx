import type { ComponentChildren } from "preact";

/** The HTML document around every page. `scripts` are module URLs (the island bundle, if any). */
export function Layout(props: { title: string; children: ComponentChildren; scripts?: string[] }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Scene Studio</title>
        <link rel="stylesheet" href="/static/styles.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        {props.scripts?.map((src) => <script type="module" src={src} key={src} />)}
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">Scene Studio</a>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
