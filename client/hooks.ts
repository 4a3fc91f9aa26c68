/**
 * How islands reach the page's shared state: `useStoryboard()`. In the browser every island of the
 * page gets the same {@link Storyboard} (the bundle is one module graph, so one per page). While the
 * server renders a page, its islands share one storyboard made for that render alone
 * (`islands_runtime/render_state.ts`), so nothing leaks between requests and islands render from
 * their props; a server render outside `renderPage()` gives each call a fresh one. This is the one
 * place that asks where it runs.
 */
import { perRender } from "../islands_runtime/render_state.ts";
import { createStoryboard, type Storyboard, type StoryboardInit } from "./storyboard.ts";

let page: Storyboard | undefined;

/**
 * The page's storyboard. The island that carries the page's state (the toolbar) passes it as
 * `init`; the others call it without.
 *
 * @example
 * export default function ReloadNotice() {
 *   const stale = useStoryboard().stale.value;
 *   return stale ? <p class="notice">Changed in another tab.</p> : null;
 * }
 */
export function useStoryboard(init?: StoryboardInit): Storyboard {
  const storyboard = perRender(useStoryboard, createStoryboard) ??
    (typeof document === "undefined" ? createStoryboard() : (page ??= createStoryboard()));
  if (init) storyboard.init(init);
  return storyboard;
}
