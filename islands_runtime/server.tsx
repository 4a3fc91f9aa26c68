/**
 * Server side of the islands runtime: render islands inside pages.
 *
 * An island is the default export of a file in `islands/` (Fresh's convention):
 * `islands/BulkGenerationToolbar.tsx` is the island "BulkGenerationToolbar".
 * Islands never import server code. Pages wrap them with {@link island}:
 *
 * ```tsx
 * import Toolbar from "../islands/BulkGenerationToolbar.tsx";
 * import { island, renderPage } from "./server.tsx";
 *
 * const ToolbarIsland = island("BulkGenerationToolbar", Toolbar); // typed with Toolbar's props
 *
 * app.get("/projects/:id", (c) =>
 *   c.html(renderPage(
 *     <Layout><ToolbarIsland projectId={id} run={run} /></Layout>,
 *     { title: "Storyboard", head: <link rel="stylesheet" href="/static/app.css" /> },
 *   )));
 * ```
 *
 * Output for each island: `<scene-island data-island="Name" data-island-id="0"
 * style="display:contents">…server HTML…</scene-island>`. All islands' props go
 * into ONE `<script type="application/json" id="__scene_islands">` at the end of
 * `<body>` (see `serialize.ts`: Date, undefined, signals… and `</script>` is
 * escaped), and the page gets ONE `<script type="module" src="/static/build/
 * islands-<hash>.js">` in `<head>`, only if an island rendered. A page without
 * islands ships no JavaScript at all.
 *
 * Two ways to render a page:
 * - {@link renderPage}`(body, {title, head?, lang?, bodyAttributes?})` returns
 *   the whole document (`<!DOCTYPE html>…`). Put your Layout inside `body`.
 * - {@link renderToStringWithIslands}`(vnode)` if you render `<html>` yourself:
 *   put {@link IslandAssets} as the LAST child of `<body>` (it throws if an island
 *   rendered but `<IslandAssets/>` did not, or if an island comes after it).
 *
 * Rules: island props must be serializable (no functions, no JSX children);
 * an island rendered inside another island is just a component (no markers, it
 * hydrates as part of the outer one); do not put an island directly inside
 * `<table>`/`<tr>` (the wrapper element would be moved by the HTML parser).
 * Rendering is synchronous (`renderToString`); islands are recorded through a
 * Preact context, so concurrent requests never mix.
 *
 * The bundle URL comes from the current build (`buildIslands()` at start-up,
 * see `build.ts`), or from `options.build`. When an island renders and no build
 * is known, the page renders without the script and a warning is logged once.
 * When a build is known, the island name must be in it and the component must
 * be that file's default export (checked at render, so typos fail in tests).
 *
 * @module
 */

import {
  type ComponentChildren,
  type ComponentType,
  createContext,
  Fragment,
  type FunctionComponent,
  h,
  type JSX,
} from "preact";
import { useContext } from "preact/hooks";
import { renderToString } from "preact-render-to-string";
import { Encoder, escapeJsonForScript, type Json } from "./serialize.ts";
import { currentIslandsBuild, ISLAND_DATA_ID, ISLAND_TAG, type IslandsBuild } from "./state.ts";

export { currentIslandsBuild, currentIslandsScriptUrl, type IslandsBuild } from "./state.ts";

interface Collector {
  build: IslandsBuild | null;
  encoder: Encoder;
  names: string[];
  props: Json[];
  assetsRendered: boolean;
}

const CollectorContext = createContext<Collector | null>(null);
const InsideIslandContext = createContext(false);

let warnedNoBuild = false;

/** Props of {@link Island}. */
export interface IslandProps<P> {
  /** File name in islands/ without extension, e.g. "BulkGenerationToolbar". */
  name: string;
  /** The island file's default export. */
  component: ComponentType<P>;
  /** Its props; serialized for the browser. */
  props: P;
}

/**
 * Renders `component` as island `name`. Prefer {@link island}, which gives a
 * component taking the island's own props.
 */
export function Island<P>({ name, component, props }: IslandProps<P>): JSX.Element {
  const inside = useContext(InsideIslandContext);
  // deno-lint-ignore no-explicit-any
  const inner = h(component as ComponentType<any>, props);
  if (inside) return inner;
  const collector = useContext(CollectorContext);
  if (!collector) {
    throw new Error(
      `Island "${name}" rendered outside renderPage()/renderToStringWithIslands() ` +
        `from islands_runtime/server.tsx: its props and script would be lost`,
    );
  }
  if (collector.assetsRendered) {
    throw new Error(
      `Island "${name}" rendered after <IslandAssets/>; put <IslandAssets/> last in <body>`,
    );
  }
  checkAgainstBuild(collector.build, name, component);
  let encoded: Json;
  try {
    encoded = collector.encoder.encode(props, "props");
  } catch (error) {
    throw new Error(
      `Island "${name}": ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  const id = collector.props.length;
  collector.names.push(name);
  collector.props.push(encoded);
  return h(
    ISLAND_TAG,
    {
      "data-island": name,
      "data-island-id": String(id),
      style: "display:contents",
    },
    h(InsideIslandContext.Provider, { value: true }, inner),
  );
}

function checkAgainstBuild(
  build: IslandsBuild | null,
  name: string,
  component: unknown,
): void {
  if (!build) return;
  if (!build.islands.includes(name)) {
    throw new Error(
      `Island "${name}" is not in the islands bundle (it has: ${
        build.islands.join(", ") || "nothing"
      }). Island "X" must be the default export of islands/X.tsx`,
    );
  }
  const known = build.components?.get(component);
  if (build.components && known !== name) {
    throw new Error(
      `Island "${name}": the component passed is ${
        known ? `island "${known}"` : "not the default export of any island file"
      }, not the default export of the "${name}" island file`,
    );
  }
}

/**
 * Returns a component that renders `component` as island `name`, typed with
 * the island's own props: `const T = island("Toolbar", Toolbar); <T {...props} />`.
 */
export function island<P>(
  name: string,
  component: ComponentType<P>,
): FunctionComponent<P> {
  const Wrapped: FunctionComponent<P> = (props) => h(Island<P>, { name, component, props: withoutChildren(props) });
  Wrapped.displayName = `Island(${name})`;
  return Wrapped;
}

function withoutChildren<P>(props: P): P {
  const p = props as P & { children?: unknown };
  if (p.children === undefined || !("children" in p)) return props;
  throw new Error(
    "islands cannot receive JSX children: pass data as props instead",
  );
}

function dataScript(collector: Collector): JSX.Element {
  return h("script", {
    type: "application/json",
    id: ISLAND_DATA_ID,
    dangerouslySetInnerHTML: {
      __html: escapeJsonForScript(JSON.stringify(collector.props)),
    },
  });
}

function moduleScript(collector: Collector): JSX.Element | null {
  const url = collector.build?.url;
  if (url) return h("script", { type: "module", src: url });
  if (!warnedNoBuild) {
    warnedNoBuild = true;
    console.warn(
      `[islands] a page rendered islands (${collector.names.join(", ")}) but no ` +
        `islands bundle is known: call buildIslands() (islands_runtime/build.ts) ` +
        `at start-up. Pages render without JavaScript until then.`,
    );
  }
  return null;
}

/**
 * Emits the islands' props and the bundle script, or nothing when no island
 * rendered. Only needed with {@link renderToStringWithIslands}; put it last in
 * `<body>`.
 */
export function IslandAssets(): JSX.Element | null {
  const collector = useContext(CollectorContext);
  if (!collector) {
    throw new Error(
      "<IslandAssets/> must be rendered by renderToStringWithIslands()",
    );
  }
  collector.assetsRendered = true;
  if (collector.props.length === 0) return null;
  return h(Fragment, null, dataScript(collector), moduleScript(collector));
}

/** Options shared by the render functions. */
export interface RenderIslandsOptions {
  /** Islands build to use; default: the current one (`buildIslands()`). */
  build?: IslandsBuild | null;
}

function renderCollect(
  vnode: ComponentChildren,
  options: RenderIslandsOptions,
): { html: string; collector: Collector } {
  const collector: Collector = {
    build: options.build === undefined ? currentIslandsBuild() : options.build,
    encoder: new Encoder(),
    names: [],
    props: [],
    assetsRendered: false,
  };
  const html = renderToString(
    h(CollectorContext.Provider, { value: collector }, vnode),
  );
  return { html, collector };
}

/**
 * `renderToString` that records islands. Use when your layout renders the
 * whole `<html>` document: it must contain {@link IslandAssets} as the last
 * child of `<body>`.
 */
export function renderToStringWithIslands(
  vnode: ComponentChildren,
  options: RenderIslandsOptions = {},
): string {
  const { html, collector } = renderCollect(vnode, options);
  if (collector.props.length > 0 && !collector.assetsRendered) {
    throw new Error(
      `islands rendered (${collector.names.join(", ")}) but the page has no ` +
        `<IslandAssets/>: put it last in <body>, or use renderPage()`,
    );
  }
  return html;
}

/** Options of {@link renderPage}. */
export interface PageOptions extends RenderIslandsOptions {
  /** Document title (escaped). */
  title: string;
  /** Extra `<head>` content (stylesheets, meta); rendered without islands. */
  head?: ComponentChildren;
  /** `<html lang>`, default "en". */
  lang?: string;
  /** Attributes of `<body>` (e.g. `{ class: "storyboard" }`). */
  bodyAttributes?: Record<string, string>;
}

/**
 * Renders `body` (the content of `<body>`, typically your Layout) into a full
 * HTML document. Includes the islands bundle and props only if an island
 * rendered.
 */
export function renderPage(
  body: ComponentChildren,
  options: PageOptions,
): string {
  const { html, collector } = renderCollect(body, options);
  const hasIslands = collector.props.length > 0;
  const head = h(
    "head",
    null,
    h("meta", { charset: "utf-8" }),
    h("meta", {
      name: "viewport",
      content: "width=device-width, initial-scale=1",
    }),
    h("title", null, options.title),
    options.head,
    hasIslands ? moduleScript(collector) : null,
  );
  const bodyHtml = hasIslands ? html + renderToString(dataScript(collector)) : html;
  return "<!DOCTYPE html>" +
    renderToString(
      h(
        "html",
        { lang: options.lang ?? "en" },
        head,
        h("body", {
          ...options.bodyAttributes,
          dangerouslySetInnerHTML: { __html: bodyHtml },
        }),
      ),
    );
}
