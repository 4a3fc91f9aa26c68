import { configureLog } from "../core/system/log.ts";
import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import Counter from "../tests/fixtures/islands/Counter.tsx";
import Total from "../tests/fixtures/islands/Total.tsx";
import { type IslandsBuild, renderPage } from "./server.tsx";
import { Decoder } from "./serialize.ts";

/** A build as buildIslands() describes one: Counter loads at start, Total when idle. */
function buildWith(components: [unknown, string][]): IslandsBuild {
  const file = (imports: string[] = []) => ({ bytes: 1, gzipBytes: 1, imports });
  return {
    scriptPath: "/x/islands-0123456789abcdef/entry.js",
    url: "/static/build/islands-0123456789abcdef/entry.js",
    baseUrl: "/static/build/islands-0123456789abcdef",
    bytes: 5,
    gzipBytes: 5,
    islands: components.map(([, name]) => name),
    hash: "0123456789abcdef",
    files: {
      "entry.js": file(["chunk-PREACT.js"]),
      "chunk-PREACT.js": file(),
      "Counter-AAAA.js": file(["chunk-PREACT.js", "chunk-SHARED.js"]),
      "Total-BBBB.js": file(["chunk-PREACT.js", "chunk-SHARED.js"]),
      "chunk-SHARED.js": file(),
    },
    entry: "entry.js",
    chunks: {
      Counter: { file: "Counter-AAAA.js", hydration: "load" },
      Total: { file: "Total-BBBB.js", hydration: "idle" },
    },
    cached: false,
    ms: 0,
    components: new Map(components),
  };
}

const build = buildWith([[Counter, "Counter"], [Total, "Total"]]);
const since = new Date("2024-01-02T03:04:05.000Z");

/** A whole document, as the app's Layout renders one. */
function Doc(props: { title?: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <title>{props.title ?? "t"}</title>
      </head>
      <body class="page">{props.children}</body>
    </html>
  );
}

function islandData(html: string): unknown[] {
  const match = html.match(/<script type="application\/json" id="__scene_islands">(.*?)<\/script>/s);
  assert.ok(match, "island data script");
  const decoder = new Decoder();
  return JSON.parse(match[1]).map((p: never) => decoder.decode(p));
}

Deno.test("a page without islands has no script at all", () => {
  const html = renderPage(
    <Doc title="A & B">
      <main>
        <h1>Plain</h1>
      </main>
    </Doc>,
    { build },
  );
  assert.match(html, /^<!DOCTYPE html><html lang="en"><head>/);
  assert.match(html, /<title>A &amp; B<\/title>/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /<body class="page"><main><h1>Plain<\/h1><\/main><\/body><\/html>$/);
});

Deno.test("islands are found by component: markers, one module script, escaped props", () => {
  const total = signal(5);
  const label = "</script><script>alert(1)</script><!--";
  const html = renderPage(
    <Doc>
      <main>
        <Counter label={label} start={2} since={since} total={total} />
        <Total total={total} />
      </main>
    </Doc>,
    { build },
  );
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.match(
    html,
    /<body class="page"><main><scene-island data-island="Counter" data-island-id="0" style="display:contents"><div class="counter">/,
  );
  assert.match(html, /<scene-island data-island="Total" data-island-id="1"/);
  // The boot script, after the preloads of what it imports at start: the shared chunks and the chunk
  // of Counter (loaded at start) with what it imports; not Total's (idle: loaded later).
  const base = "\\/static\\/build\\/islands-0123456789abcdef";
  assert.match(
    html,
    new RegExp(
      `</main><script type="application/json" id="__scene_islands">.*</script>` +
        `<link rel="modulepreload" href="${base}/chunk-PREACT.js">` +
        `<link rel="modulepreload" href="${base}/Counter-AAAA.js">` +
        `<link rel="modulepreload" href="${base}/chunk-SHARED.js">` +
        `<script type="module" src="${base}/entry.js"></script></body></html>$`,
    ),
  );
  // The label is escaped as HTML text and inside the JSON.
  assert.match(html, /<p class="label">&lt;\/script>&lt;script>alert\(1\)/);
  assert.equal(html.toLowerCase().split("</script>").length - 1, 2);
  assert.doesNotMatch(html, /<script>alert/);
  const [counter, totalProps] = islandData(html) as [Record<string, unknown>, Record<string, unknown>];
  assert.equal(counter.label, label);
  assert.equal((counter.since as Date).toISOString(), since.toISOString());
  assert.equal(counter.total, totalProps.total, "shared signal stays shared");
});

Deno.test("the same page rendered twice, and an island JSX made before the render, both work", () => {
  const total = signal(1);
  const island = <Total total={total} />; // created outside renderPage, like a page's children
  const page = <Doc>{island}</Doc>;
  const first = renderPage(page, { build });
  assert.equal(renderPage(page, { build }), first);
  assert.equal(first.match(/<scene-island/g)?.length, 1);
});

Deno.test("islands inside islands render as plain components", () => {
  const Outer = (_: { label: string }) => (
    <section>
      <Total total={signal(1)} />
    </section>
  );
  const html = renderPage(
    <Doc>
      <Outer label="x" />
    </Doc>,
    { build: buildWith([[Outer, "Outer"], [Total, "Total"]]) },
  );
  assert.equal(html.match(/<scene-island/g)?.length, 1);
  assert.match(html, /data-island="Outer"/);
  assert.equal(islandData(html).length, 1);
});

Deno.test("outside renderPage, or for a component no build knows, an island is a plain component", () => {
  assert.equal(renderToString(<Total total={signal(3)} />), '<p data-testid="total">total: 3</p>');
  const html = renderPage(
    <Doc>
      <Total total={signal(3)} />
    </Doc>,
    { build: buildWith([[Counter, "Counter"]]) },
  );
  assert.doesNotMatch(html, /<scene-island|<script/);
});

Deno.test("bad props fail at render with the island's name and the path", () => {
  assert.throws(
    () =>
      renderPage(
        <Doc>
          {/* @ts-expect-error: a function is not a Signal */}
          <Total total={() => 1} />
        </Doc>,
        { build },
      ),
    /Island "Total": props\.total is a function/,
  );
  const WithChildren = Total as unknown as (props: { total: unknown; children: unknown }) => null;
  assert.throws(
    () =>
      renderPage(
        <Doc>
          <WithChildren total={signal(0)}>
            <b>child</b>
          </WithChildren>
        </Doc>,
        { build },
      ),
    /Island "Total" was given JSX children/,
  );
});

Deno.test("islands need a <body> for their scripts", () => {
  assert.throws(() => renderPage(<Total total={signal(0)} />, { build }), /page without <body>/);
});

Deno.test("without a known build, pages render as plain HTML (warned once)", () => {
  const warnings: string[] = [];
  configureLog({ format: "text", level: "info", sink: { out: () => {}, err: (line) => warnings.push(line) } });
  try {
    for (let i = 0; i < 2; i++) {
      const html = renderPage(
        <Doc>
          <Total total={signal(0)} />
        </Doc>,
        { build: null },
      );
      assert.doesNotMatch(html, /<script|<scene-island/);
      assert.match(html, /total: 0/);
    }
  } finally {
    configureLog({ format: "text", level: "info" });
  }
  assert.equal(warnings.length, 1, warnings.join("\n"));
});
