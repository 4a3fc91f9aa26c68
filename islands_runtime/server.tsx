/**
 * Server side of the islands runtime: render a page, and every island in it inside markers.
 *
 * An island is the default export of a file in `islands/` (Fresh's convention); the build
 * (`build.ts`) scans that folder once and registers each component under its file name. Pages then
 * use islands like any component — they are found by component (`vnode.type`) while the page
 * renders, through Preact's diff hook, as Fresh does:
 *
 * ```tsx
 * import Toolbar from "../islands/BulkGenerationToolbar.tsx";
 * import { renderPage } from "../islands_runtime/server.tsx";
 *
 * app.get("/projects/:id", (c) =>
 *   c.html(renderPage(<Layout title="Storyboard"><Toolbar projectId={id} run={run} /></Layout>)));
 * ```
 *
 * Output for each island: `<scene-island data-island="Name" data-island-id="0"
 * style="display:contents">…server HTML…</scene-island>`. All islands' props go into ONE
 * `<script type="application/json" id="__scene_islands">` and the boot script into ONE
 * `<script type="module" src="/static/build/islands-<hash>/entry.js">`, after a `<link
 * rel="modulepreload">` for each chunk the page needs at start (the shared chunks and the chunks of
 * the page's islands that are not `idle`: `startFiles()` in state.ts), all at the end of `<body>`,
 * only if an island rendered: a page without islands ships no JavaScript at all.
 *
 * Rules: island props must be serializable (`serialize.ts`: JSON plus Date, undefined, signals…; no
 * functions, no JSX children); an island rendered inside another island is just a component (no
 * markers, it hydrates as part of the outer one); do not put an island directly inside
 * `<table>`/`<tr>` (the wrapper element would be moved by the HTML parser). Rendering is
 * synchronous, so the page being rendered is simply the one in progress: requests never mix.
 *
 * Islands come from the current build (`buildIslands()` at start-up) or `options.build`. Without a
 * build no component is known as an island: pages render as plain HTML without JavaScript, and a
 * warning says so once.
 *
 * @module
 */

import { type ComponentChild, type ComponentType, createContext, h, type JSX, options, type VNode } from "preact";
import { useContext } from "preact/hooks";
import { renderToString } from "preact-render-to-string";
import { withRenderState } from "./render_state.ts";
import { Encoder, escapeJsonForScript, type Json } from "./serialize.ts";
import { currentIslandsBuild, ISLAND_DATA_ID, ISLAND_TAG, type IslandsBuild, startFiles } from "./state.ts";
import { log } from "../core/system/log.ts";

export type { IslandsBuild } from "./state.ts";

/** The page being rendered: its islands, and what they rendered so far. */
interface PageRender {
  islands: ReadonlyMap<unknown, string>;
  encoder: Encoder;
  names: string[];
  props: Json[];
}

let rendering: PageRender | null = null;
let warnedNoBuild = false;

const InsideIsland = createContext(false);
/** Island vnodes to render as the component itself (inside their own markers). */
const plain = new WeakSet<object>();
/** Island component → the component that renders it inside markers (one per island). */
const markers = new WeakMap<object, ComponentType<Record<string, unknown>>>();

function markerFor(component: ComponentType<Record<string, unknown>>) {
  let marker = markers.get(component);
  if (!marker) {
    marker = (props) => renderIsland(component, props);
    markers.set(component, marker);
  }
  return marker;
}

function renderIsland(
  component: ComponentType<Record<string, unknown>>,
  props: Record<string, unknown>,
): ComponentChild {
  const inner = h(component, props);
  plain.add(inner);
  const page = rendering;
  const name = page?.islands.get(component);
  if (useContext(InsideIsland) || !page || name === undefined) return inner;
  if (props.children !== undefined) {
    throw new Error(`Island "${name}" was given JSX children: islands take data as props, not children`);
  }
  let encoded: Json;
  try {
    encoded = page.encoder.encode(props, "props");
  } catch (error) {
    throw new Error(`Island "${name}": ${error instanceof Error ? error.message : error}`, { cause: error });
  }
  const id = page.props.length;
  page.names.push(name);
  page.props.push(encoded);
  return h(
    ISLAND_TAG,
    { "data-island": name, "data-island-id": String(id), style: "display:contents" },
    h(InsideIsland.Provider, { value: true }, inner),
  );
}

// Preact calls its diff hook (`__b`) before it renders each vnode, on the server too
// (preact-render-to-string calls the same hook): an island's vnode gets the marker as its type.
const hooks = options as typeof options & { __b?: (vnode: VNode) => void };
const previousDiff = hooks.__b;
hooks.__b = (vnode) => {
  if (rendering && typeof vnode.type === "function" && rendering.islands.has(vnode.type) && !plain.has(vnode)) {
    vnode.type = markerFor(vnode.type as ComponentType<Record<string, unknown>>);
  }
  previousDiff?.(vnode);
};

function assets(page: PageRender, build: IslandsBuild | null): string {
  const data = `<script type="application/json" id="${ISLAND_DATA_ID}">${
    escapeJsonForScript(JSON.stringify(page.props))
  }</script>`;
  if (!build?.url) return data;
  // What the boot script will import at once: fetched in parallel with it rather than one after another.
  const preload = startFiles(build, new Set(page.names)).slice(1)
    .map((file) => `<link rel="modulepreload" href="${build.baseUrl}/${file}">`).join("");
  return `${data}${preload}<script type="module" src="${build.url}"></script>`;
}

/** Options of {@link renderPage}. */
export interface RenderPageOptions {
  /** Islands build to use; default: the current one (`buildIslands()`). */
  build?: IslandsBuild | null;
}

/** A page rendered in pieces (streamed): see {@link openPageRender}. */
export interface PageRenderSession {
  /** Renders one piece of the page; its islands join the page's (ids continue). */
  render(node: JSX.Element): string;
  /** Names of the islands rendered so far. */
  readonly islands: readonly string[];
  /** The props of the islands rendered so far, encoded (`serialize.ts`). */
  props(): Json[];
  /** The islands' props script, the preloads and the boot script's tag ("" when no island rendered). */
  assets(): string;
}

/**
 * Opens a page rendered in several pieces, so a big page can be streamed and rendered a piece at
 * a time (the event loop runs between pieces): every piece's islands share one props script and
 * one model (`render_state.ts`), emitted by `assets()` before `</body>`, as {@link renderPage} does.
 */
export function openPageRender(options: RenderPageOptions = {}): PageRenderSession {
  const build = options.build === undefined ? currentIslandsBuild() : options.build;
  const current: PageRender = { islands: build?.components ?? new Map(), encoder: new Encoder(), names: [], props: [] };
  const state = new Map<object, unknown>();
  return {
    render(node) {
      const outer = rendering;
      rendering = current;
      try {
        return withRenderState(() => renderToString(node), state);
      } finally {
        rendering = outer;
      }
    },
    get islands() {
      return current.names;
    },
    props: () => current.props,
    assets: () => current.props.length > 0 ? assets(current, build) : "",
  };
}

/** Attribute of the props script of a fragment's islands ({@link renderFragment}). */
export const FRAGMENT_PROPS_ATTR = "data-island-props";

/**
 * Renders part of a page that the browser fetches and inserts later (cards loaded on demand):
 * the HTML, its islands inside markers numbered from 0, and their props in a
 * `<script type="application/json" data-island-props>` at the end, which the browser's
 * `hydrateFragment()` (client/boot.ts) reads.
 */
export function renderFragment(node: JSX.Element, options: RenderPageOptions = {}): string {
  const session = openPageRender(options);
  const html = session.render(node);
  return html +
    `<script type="application/json" ${FRAGMENT_PROPS_ATTR}>${
      escapeJsonForScript(JSON.stringify(session.props()))
    }</script>`;
}

/**
 * Renders a whole page (`<html>…</html>`, typically a Layout) to an HTML document, its islands
 * inside markers, with their props and the bundle at the end of `<body>` when any rendered.
 *
 * @example
 * c.html(renderPage(<Layout title="Projects"><ProjectList projects={projects} /></Layout>));
 */
export function renderPage(page: JSX.Element, options: RenderPageOptions = {}): string {
  const build = options.build === undefined ? currentIslandsBuild() : options.build;
  if (!build && !warnedNoBuild) {
    warnedNoBuild = true;
    log.warn(
      "[islands] a page rendered before any islands build was known: call buildIslands() " +
        "(islands_runtime/build.ts) at start-up. Pages render without their islands' JavaScript until then.",
    );
  }
  const outer = rendering;
  const current: PageRender = { islands: build?.components ?? new Map(), encoder: new Encoder(), names: [], props: [] };
  rendering = current;
  let html: string;
  try {
    html = withRenderState(() => renderToString(page));
  } finally {
    rendering = outer;
  }
  if (current.props.length > 0) {
    const end = html.lastIndexOf("</body>");
    if (end < 0) {
      throw new Error(
        `islands rendered (${current.names.join(", ")}) in a page without <body>: ` +
          "renderPage() takes the whole document (a Layout), which is where their scripts go",
      );
    }
    html = html.slice(0, end) + assets(current, build) + html.slice(end);
  }
  return "<!DOCTYPE html>" + html;
}
