/**
 * The project's exports as the export panel shows them: the list from the page's render, kept up to
 * date by `export.updated` events (each carries one export's whole state), newest first.
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { ExportView } from "../core/types.ts";

/** The exports of the page; see the module doc. */
export interface ExportsModel {
  readonly list: ReadonlySignal<ExportView[]>;
  /** Takes the page's list (once; later calls are ignored). */
  init(list: ExportView[]): void;
  /** Applies an export's new state (an `export.updated` event, or an API answer). */
  apply(view: ExportView): void;
}

/**
 * The page's exports (see the module doc).
 *
 * @example
 * const exports = createExportsModel();
 * exports.apply({ id: 3, status: "running", progress: 0.4, ... });
 * exports.list.value[0].progress; // 0.4
 */
export function createExportsModel(): ExportsModel {
  const list = signal<ExportView[]>([]);
  let initialised = false;
  return {
    list,
    init(views) {
      if (initialised) return;
      initialised = true;
      list.value = [...views].sort((a, b) => b.id - a.id);
    },
    apply(view) {
      if (typeof view?.id !== "number") return;
      list.value = [view, ...list.peek().filter((e) => e.id !== view.id)].sort((a, b) => b.id - a.id);
    },
  };
}
