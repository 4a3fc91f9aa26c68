import assert from "node:assert/strict";
import { perRender, withRenderState } from "./render_state.ts";

Deno.test("perRender: one value per render, a new one for the next, none outside a render", () => {
  const key = {};
  let made = 0;
  const make = () => ({ n: ++made });
  assert.equal(perRender(key, make), null);
  const [a, b] = withRenderState(() => [perRender(key, make), perRender(key, make)]);
  assert.equal(a, b);
  assert.equal(made, 1);
  const c = withRenderState(() => perRender(key, make));
  assert.notEqual(c, a);
  // A render inside a render (a page rendering a fragment of another) has its own.
  withRenderState(() => {
    const outer = perRender(key, make);
    assert.notEqual(withRenderState(() => perRender(key, make)), outer);
    assert.equal(perRender(key, make), outer);
  });
  assert.equal(perRender(key, make), null);
});
