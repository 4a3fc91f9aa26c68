/**
 * Browser side of the islands runtime. The generated bundle entry (see
 * `build.ts`) imports every island module and calls
 * `boot({ Name: module.default, … })`.
 *
 * For every `<scene-island data-island="Name" data-island-id="N">` element that
 * is not inside another island, it takes props number N from the page's
 * `<script type="application/json" id="__scene_islands">`, revives them
 * (`serialize.ts`: Dates as Date, signals as signals shared between islands)
 * and hydrates the server HTML with Preact. An island that fails is reported
 * with `console.error` and the others still hydrate. Hydrated islands get a
 * `data-hydrated` attribute (tests can wait for it); `document.documentElement`
 * gets `data-islands-ready` when all are done.
 *
 * The bundle contains exactly one copy of Preact, shared by all islands and
 * by @preact/signals.
 *
 * @module
 */

import { type ComponentType, h, hydrate } from "preact";
import { Decoder, type Json } from "../serialize.ts";
import { ISLAND_DATA_ID, ISLAND_TAG } from "../state.ts";

// deno-lint-ignore no-explicit-any
export type IslandRegistry = Record<string, ComponentType<any>>;

let booted: IslandRegistry = {};

/** Hydrates all islands of `doc`. Returns how many were hydrated. */
export function boot(registry: IslandRegistry, doc: Document = document): number {
  booted = registry;
  const hydrated = hydrateIn(registry, doc, doc.getElementById(ISLAND_DATA_ID)?.textContent ?? "[]");
  doc.documentElement.setAttribute("data-islands-ready", String(hydrated));
  return hydrated;
}

/**
 * Hydrates the islands of HTML the page fetched and inserted later (`renderFragment()` on the
 * server): `roots` are the inserted nodes, `propsJson` the text of the fragment's
 * `<script data-island-props>`. Returns how many were hydrated.
 */
export function hydrateFragment(roots: Node[], propsJson: string): number {
  return hydrateIn(
    booted,
    { querySelectorAll: (selector) => roots.flatMap((root) => islandsOf(root, selector)) },
    propsJson,
  );
}

function islandsOf(root: Node, selector: string): Element[] {
  if (!(root instanceof Element)) return [];
  return [...(root.matches(selector) ? [root] : []), ...root.querySelectorAll(selector)];
}

function hydrateIn(
  registry: IslandRegistry,
  scope: { querySelectorAll(selector: string): Iterable<Element> },
  propsJson: string,
): number {
  let data: unknown[] = [];
  try {
    const json: Json[] = JSON.parse(propsJson);
    // Decode all props in order, so signals shared by islands are one signal.
    const decoder = new Decoder();
    data = json.map((props) => decoder.decode(props));
  } catch (error) {
    console.error("[islands] unreadable island props", error);
    return 0;
  }
  let hydrated = 0;
  for (const element of scope.querySelectorAll(`${ISLAND_TAG}[data-island]`)) {
    if (element.parentElement?.closest(ISLAND_TAG)) continue;
    const name = element.getAttribute("data-island") ?? "";
    const id = Number(element.getAttribute("data-island-id"));
    const component = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (!component) {
      console.error(`[islands] island "${name}" is not in the bundle`);
      continue;
    }
    if (!(id >= 0 && id < data.length)) {
      console.error(`[islands] island "${name}" has no props (id ${id})`);
      continue;
    }
    try {
      hydrate(h(component, data[id] as Record<string, unknown>), element);
      element.setAttribute("data-hydrated", "");
      hydrated++;
    } catch (error) {
      console.error(`[islands] island "${name}" failed to hydrate`, error);
    }
  }
  return hydrated;
}
