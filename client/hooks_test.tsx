import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { withRenderState } from "../islands_runtime/render_state.ts";
import type { Storyboard } from "./storyboard.ts";
import { useStoryboard } from "./hooks.ts";

/** Server-renders two components calling `useStoryboard()`, as two islands of one page would. */
function renderTwo(inPageRender: boolean): Storyboard[] {
  const seen: Storyboard[] = [];
  const Island = () => {
    seen.push(useStoryboard({ projectId: 7, lastEventId: 0, run: null, serverNow: 0 }));
    return null;
  };
  const render = () =>
    renderToString(
      <>
        <Island />
        <Island />
      </>,
    );
  if (inPageRender) withRenderState(render);
  else render();
  return seen;
}

Deno.test("server: the islands of one page render share a storyboard; renders never share one", () => {
  const [a, b] = renderTwo(true);
  assert.equal(a, b, "one storyboard for the islands of a page");
  const [c] = renderTwo(true);
  assert.notEqual(c, a, "a new one for the next render");
  const [d, e] = renderTwo(false);
  assert.notEqual(d, e, "outside a page render each call gets its own");
});
