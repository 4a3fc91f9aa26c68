/**
 * State shared by the islands of one server render: `perRender(key, make)` gives every island of
 * the page being rendered the same value, made on first use, and the next render a new one — so
 * islands can share a model while the server renders without anything leaking between requests.
 * `renderPage()` opens the render. No server imports: islands (and the browser bundle) use it; in the
 * browser no render is open and it returns null.
 *
 * @module
 */

let open: Map<object, unknown> | null = null;

/**
 * Runs `render` as one page render: {@link perRender} values live until it returns, or, when
 * `state` is given (a page rendered in several pieces), as long as that map.
 */
export function withRenderState<T>(render: () => T, state: Map<object, unknown> = new Map()): T {
  const outer = open;
  open = state;
  try {
    return render();
  } finally {
    open = outer;
  }
}

/**
 * The value of `key` for the page render in progress (made by `make` the first time), or null when
 * no render is in progress — in the browser, or a server render outside `renderPage()`.
 *
 * @example
 * const storyboard = perRender(useStoryboard, createStoryboard) ?? browserStoryboard();
 */
export function perRender<T>(key: object, make: () => T): T | null {
  if (!open) return null;
  if (!open.has(key)) open.set(key, make());
  return open.get(key) as T;
}
