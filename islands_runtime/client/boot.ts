/**
 * Browser side of the islands runtime. The generated bundle entry (see `build.ts`) calls
 * `boot({ Toolbar: { component: Toolbar }, Dialog: { load: () => import("…/Dialog.tsx"), idle: true },
 * … })`: the islands loaded at start are in the entry; each idle island's code is a chunk of its
 * own, imported only when the page has that island.
 *
 * For every `<scene-island data-island="Name" data-island-id="N">` element that is not inside
 * another island, it takes props number N from the page's `<script type="application/json"
 * id="__scene_islands">` and revives them (`serialize.ts`: Dates as Date, signals as signals shared
 * between islands; all props are decoded at once, so a signal shared by an eager and an idle island
 * is one signal). Then, in two steps:
 *
 * 1. The islands loaded at start (in the entry; the server preloaded the chunks it imports):
 *    hydrated in document order, so the island that carries the page's state (the toolbar) runs
 *    before the ones that read it, as when they were one module.
 * 2. The `idle` islands (dialogs, notices: not needed before the page is interactive): imported
 *    once the browser is idle, then rendered over their server HTML with Preact's `render()`,
 *    which reuses the server's elements and compares their attributes too — their state may have
 *    moved on since the server rendered them (a card registered its scene, an event arrived), and
 *    `hydrate()` would keep attributes that no longer match. Nothing is replaced, so nothing
 *    flickers.
 *
 * An island that fails is reported with `console.error` and the others still hydrate. Hydrated
 * islands get a `data-hydrated` attribute (tests can wait for it); `document.documentElement` gets
 * `data-islands-interactive` when the islands loaded at start are hydrated (the stylesheet waits
 * for it to let the browser skip off-screen cards), and `data-islands-ready` (the number of
 * islands) when all of them, idle ones included, are done; {@link islandsHydrated} resolves then.
 *
 * Preact and @preact/signals are shared chunks: one copy for all islands.
 *
 * @module
 */

import { type ComponentType, h, hydrate, render } from "preact";
import { Decoder, type Json } from "../serialize.ts";
import { ISLAND_DATA_ID, ISLAND_TAG } from "../state.ts";

// deno-lint-ignore no-explicit-any
type Component = ComponentType<any>;

/**
 * An island as the generated entry hands it over: its component (an island loaded at start is in
 * the entry), or how to load its module and when.
 */
export type IslandEntry =
  | { component: Component; load?: undefined; idle?: undefined }
  | {
    component?: undefined;
    load: () => Promise<{ default: Component }>;
    /** Loaded once the page's other islands are hydrated and the browser is idle. */
    idle?: boolean;
  };

/** The islands of the build, by name. */
export type IslandRegistry = Record<string, IslandEntry>;

interface Found {
  element: Element;
  name: string;
  id: number;
}

let booted: IslandRegistry = {};
const modules = new Map<string, Promise<Component | null>>();
let settled: Promise<void> = Promise.resolve();

/**
 * Resolves once every island of the page is hydrated, idle ones included (at once where `boot()`
 * did not run). The toolbar opens the page's live stream then, so every island sees every event.
 */
export function islandsHydrated(): Promise<void> {
  return settled;
}

/**
 * Hydrates all islands of `doc` (see the module doc). Resolves with how many were hydrated, once
 * all are.
 */
export function boot(registry: IslandRegistry, doc: Document = document): Promise<number> {
  booted = registry;
  const data = decodeProps(doc.getElementById(ISLAND_DATA_ID)?.textContent ?? "[]");
  const found = findIslands(doc);
  const done = (async () => {
    if (!data) return 0;
    const eager = found.filter((island) => !registry[island.name]?.idle);
    let hydrated = await hydrateAll(registry, eager, data, false);
    doc.documentElement.setAttribute("data-islands-interactive", String(hydrated));
    const idle = found.filter((island) => registry[island.name]?.idle);
    if (idle.length > 0) {
      await idleTurn();
      hydrated += await hydrateAll(registry, idle, data, true);
    }
    return hydrated;
  })().then((hydrated) => {
    doc.documentElement.setAttribute("data-islands-ready", String(hydrated));
    return hydrated;
  });
  settled = done.then(() => {});
  return done;
}

/**
 * Hydrates the islands of HTML the page fetched and inserted later (`renderFragment()` on the
 * server): `roots` are the inserted nodes, `propsJson` the text of the fragment's
 * `<script data-island-props>`. Resolves with how many were hydrated.
 */
export async function hydrateFragment(roots: Node[], propsJson: string): Promise<number> {
  const data = decodeProps(propsJson);
  if (!data) return 0;
  const scope = { querySelectorAll: (selector: string) => roots.flatMap((root) => islandsOf(root, selector)) };
  return await hydrateAll(booted, findIslands(scope), data, false);
}

/** Props of every island, decoded in order (so signals shared by islands are one signal); null when unreadable. */
function decodeProps(json: string): unknown[] | null {
  try {
    const decoder = new Decoder();
    return (JSON.parse(json) as Json[]).map((props) => decoder.decode(props));
  } catch (error) {
    console.error("[islands] unreadable island props", error);
    return null;
  }
}

function islandsOf(root: Node, selector: string): Element[] {
  if (!(root instanceof Element)) return [];
  return [...(root.matches(selector) ? [root] : []), ...root.querySelectorAll(selector)];
}

function findIslands(scope: { querySelectorAll(selector: string): Iterable<Element> }): Found[] {
  const found: Found[] = [];
  for (const element of scope.querySelectorAll(`${ISLAND_TAG}[data-island]`)) {
    if (element.parentElement?.closest(ISLAND_TAG)) continue;
    found.push({
      element,
      name: element.getAttribute("data-island") ?? "",
      id: Number(element.getAttribute("data-island-id")),
    });
  }
  return found;
}

/** The island's component (its chunk imported once); null when it is not in the build or fails to load. */
function component(registry: IslandRegistry, name: string): Promise<Component | null> {
  let loading = modules.get(name);
  if (!loading) {
    const entry = Object.hasOwn(registry, name) ? registry[name] : undefined;
    loading = !entry
      ? Promise.resolve(null)
      : entry.component
      ? Promise.resolve(entry.component)
      : entry.load().then((mod) => mod.default, (error) => {
        console.error(`[islands] island "${name}" could not be loaded`, error);
        return null;
      });
    modules.set(name, loading);
  }
  return loading;
}

/** Loads the islands' modules together, then hydrates them in document order. */
async function hydrateAll(
  registry: IslandRegistry,
  islands: Found[],
  data: unknown[],
  rerender: boolean,
): Promise<number> {
  const components = await Promise.all(islands.map((island) => component(registry, island.name)));
  let hydrated = 0;
  islands.forEach(({ element, name, id }, i) => {
    const found = components[i];
    if (!found) {
      if (!Object.hasOwn(registry, name)) console.error(`[islands] island "${name}" is not in the bundle`);
      return;
    }
    if (!(id >= 0 && id < data.length)) {
      console.error(`[islands] island "${name}" has no props (id ${id})`);
      return;
    }
    try {
      const vnode = h(found, data[id] as Record<string, unknown>);
      if (rerender) render(vnode, element);
      else hydrate(vnode, element);
      element.setAttribute("data-hydrated", "");
      hydrated++;
    } catch (error) {
      console.error(`[islands] island "${name}" failed to hydrate`, error);
    }
  });
  return hydrated;
}

/** A turn when the browser has nothing more urgent to do (at most half a second away). */
function idleTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === "function") requestIdleCallback(() => resolve(), { timeout: 500 });
    else setTimeout(resolve, 1);
  });
}
