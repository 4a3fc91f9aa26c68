import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import Counter from "../tests/fixtures/islands/Counter.tsx";
import Total from "../tests/fixtures/islands/Total.tsx";
import { island, IslandAssets, type IslandsBuild, renderPage, renderToStringWithIslands } from "./server.tsx";
import { Decoder } from "./serialize.ts";

const build: IslandsBuild = {
  scriptPath: "/x/islands-0123456789abcdef.js",
  url: "/static/build/islands-0123456789abcdef.js",
  bytes: 1,
  gzipBytes: 1,
  islands: ["Counter", "Total"],
  hash: "0123456789abcdef",
  cached: false,
  ms: 0,
  components: new Map<unknown, string>([[Counter, "Counter"], [
    Total,
    "Total",
  ]]),
};

const CounterIsland = island("Counter", Counter);
const TotalIsland = island("Total", Total);
const since = new Date("2024-01-02T03:04:05.000Z");

function islandData(html: string): unknown[] {
  const match = html.match(
    /<script type="application\/json" id="__scene_islands">(.*?)<\/script>/s,
  );
  assert.ok(match, "island data script");
  const decoder = new Decoder();
  return JSON.parse(match[1]).map((p: never) => decoder.decode(p));
}

Deno.test("a page without islands has no script at all", () => {
  const html = renderPage(
    <main>
      <h1>Plain</h1>
    </main>,
    {
      title: "A & B",
      build,
    },
  );
  assert.match(html, /^<!DOCTYPE html><html lang="en"><head>/);
  assert.match(html, /<title>A &amp; B<\/title>/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /<body><main><h1>Plain<\/h1><\/main><\/body><\/html>$/);
});

Deno.test("islands render in markers with one module script and escaped props", () => {
  const total = signal(5);
  const label = "</script><script>alert(1)</script><!--";
  const html = renderPage(
    <main>
      <CounterIsland label={label} start={2} since={since} total={total} />
      <TotalIsland total={total} />
    </main>,
    {
      title: "Islands",
      head: <link rel="stylesheet" href="/static/app.css" />,
      bodyAttributes: { class: "page" },
      build,
    },
  );
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.match(
    html,
    /<link rel="stylesheet" href="\/static\/app.css"\/><script type="module" src="\/static\/build\/islands-0123456789abcdef.js"><\/script><\/head>/,
  );
  assert.match(
    html,
    /<body class="page"><main><scene-island data-island="Counter" data-island-id="0" style="display:contents"><div class="counter">/,
  );
  assert.match(html, /<scene-island data-island="Total" data-island-id="1"/);
  // The label is escaped as HTML text and inside the JSON.
  assert.match(html, /<p class="label">&lt;\/script>&lt;script>alert\(1\)/);
  assert.equal(html.toLowerCase().split("</script>").length - 1, 2);
  assert.doesNotMatch(html, /<script>alert/);
  const [counter, totalProps] = islandData(html) as [
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  assert.equal(counter.label, label);
  assert.equal((counter.since as Date).toISOString(), since.toISOString());
  assert.equal(counter.total, totalProps.total, "shared signal stays shared");
  assert.equal(html.indexOf("__scene_islands") > html.indexOf("</main>"), true);
});

Deno.test("islands inside islands render as plain components", () => {
  const OuterComponent = (_: { label: string }) => (
    <section>
      <TotalIsland total={signal(1)} />
    </section>
  );
  const Outer = island("Outer", OuterComponent);
  const html = renderPage(<Outer label="x" />, {
    title: "t",
    build: {
      ...build,
      islands: ["Outer", "Total"],
      components: new Map<unknown, string>([
        [OuterComponent, "Outer"],
        [Total, "Total"],
      ]),
    },
  });
  assert.equal(html.match(/<scene-island/g)?.length, 1);
  assert.equal(islandData(html).length, 1);
});

Deno.test("renderToStringWithIslands needs <IslandAssets/> last in body", () => {
  const total = signal(0);
  const doc = (assets: boolean) => (
    <html>
      <body>
        <TotalIsland total={total} />
        {assets && <IslandAssets />}
      </body>
    </html>
  );
  const html = renderToStringWithIslands(doc(true), { build });
  assert.match(
    html,
    /<\/scene-island><script type="application\/json" id="__scene_islands">.*<\/script><script type="module" src="\/static\/build\/islands-0123456789abcdef.js"><\/script><\/body>/,
  );
  assert.throws(
    () => renderToStringWithIslands(doc(false), { build }),
    /no <IslandAssets\/>/,
  );
  assert.throws(
    () =>
      renderToStringWithIslands(
        <body>
          <IslandAssets />
          <TotalIsland total={total} />
        </body>,
        { build },
      ),
    /rendered after <IslandAssets\/>/,
  );
  assert.equal(
    renderToStringWithIslands(
      <body>
        <IslandAssets />
      </body>,
      { build },
    ),
    "<body></body>",
  );
});

Deno.test("wrong island names and components fail at render", () => {
  const Typo = island("Countr", Counter);
  assert.throws(
    () => renderPage(<Typo label="" start={0} since={since} total={signal(0)} />, { title: "t", build }),
    /Island "Countr" is not in the islands bundle \(it has: Counter, Total\)/,
  );
  const Swapped = island("Total", Counter);
  assert.throws(
    () => renderPage(<Swapped label="" start={0} since={since} total={signal(0)} />, { title: "t", build }),
    /the component passed is island "Counter"/,
  );
});

Deno.test("unserializable props fail with the island name and path", () => {
  const Bad = island("Total", Total);
  assert.throws(
    () =>
      renderPage(
        // @ts-expect-error: a function is not a Signal
        <Bad total={() => 1} />,
        { title: "t", build },
      ),
    /Island "Total": props\.total is a function/,
  );
});

Deno.test("islands outside a render context throw", async () => {
  const { renderToString } = await import("preact-render-to-string");
  assert.throws(
    () => renderToString(<TotalIsland total={signal(0)} />),
    /rendered outside renderPage/,
  );
});

Deno.test("without a known build, islands render without the script (warned)", () => {
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    const html = renderPage(<TotalIsland total={signal(0)} />, {
      title: "t",
      build: null,
    });
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /id="__scene_islands"/);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
});
