import assert from "node:assert/strict";
import { computed, Signal, signal } from "@preact/signals";
import { h } from "preact";
import { Decoder, Encoder, escapeJsonForScript, SerializeError } from "./serialize.ts";

/** One value to script-safe JSON text and back, as a page's island data makes the trip. */
function serialize(value: unknown): string {
  return escapeJsonForScript(JSON.stringify(new Encoder().encode(value)));
}
function deserialize<T = unknown>(text: string): T {
  return new Decoder().decode(JSON.parse(text)) as T;
}

Deno.test("serialize escapes </script>, <!-- and line separators", () => {
  const nasty = "</script><script>alert(1)</script> <!-- --> </SCRIPT > \u2028\u2029 & <>";
  const text = serialize({ nasty, [nasty]: nasty });
  assert.doesNotMatch(text, /<|>|&|\u2028|\u2029/);
  assert.doesNotMatch(text.toLowerCase(), /<\/script|<!--/);
  assert.match(text, /\\u003c\/script\\u003e/);
  assert.deepEqual(deserialize(text), { nasty, [nasty]: nasty });
});

Deno.test("escapeJsonForScript keeps the JSON value", () => {
  const json = JSON.stringify(["</script>", "a\u2028b", "<!--x-->", "&amp;"]);
  const escaped = escapeJsonForScript(json);
  assert.equal(escaped.includes("<"), false);
  assert.deepEqual(JSON.parse(escaped), JSON.parse(json));
  // Also valid as a JavaScript expression (U+2028 is a line break in old JS).
  assert.deepEqual(new Function(`return ${escaped}`)(), JSON.parse(json));
});

Deno.test("dates round-trip, including invalid dates", () => {
  const when = new Date("2024-05-06T07:08:09.123Z");
  const out = deserialize<{ when: Date; bad: Date; list: Date[] }>(
    serialize({ when, bad: new Date(NaN), list: [when] }),
  );
  assert.ok(out.when instanceof Date);
  assert.equal(out.when.toISOString(), when.toISOString());
  assert.ok(out.bad instanceof Date);
  assert.ok(Number.isNaN(out.bad.getTime()));
  assert.ok(out.list[0] instanceof Date);
  assert.notEqual(out.list[0], when);
});

Deno.test("nested values, undefined and special numbers round-trip", () => {
  const value = {
    a: [1, [2, [3, { deep: ["x", null, true, false] }]]],
    b: { c: { d: { e: "" } } },
    missing: undefined,
    arr: [undefined, 0, -0, NaN, Infinity, -Infinity, 1.5],
    big: 12345678901234567890n,
    empty: {},
    emptyList: [],
    unicode: "é 日本 😀 \u0000 \n \"'`",
    1: "integer key",
  };
  const out = deserialize<typeof value>(serialize(value));
  assert.deepEqual(out, value);
  assert.ok(Object.hasOwn(out, "missing"));
  assert.ok(Object.is(out.arr[2], -0));
  assert.ok(Number.isNaN(out.arr[3]));
  assert.equal(out.arr.length, 7);
  assert.equal(deserialize(serialize(undefined)), undefined);
  assert.equal(deserialize(serialize("plain")), "plain");
  assert.equal(deserialize(serialize(null)), null);
});

Deno.test("array holes become undefined; array subclasses become arrays", () => {
  class Result extends Array<number> {}
  const rows = Result.from([1, 2]);
  // deno-lint-ignore no-sparse-arrays
  const out = deserialize<unknown[]>(serialize([1, , 3, rows]));
  assert.deepEqual(out, [1, undefined, 3, [1, 2]]);
  assert.equal(Object.getPrototypeOf(out[3]), Array.prototype);
});

Deno.test("user objects that look like tags are escaped", () => {
  const value = {
    $$: "Date",
    v: "2020-01-01T00:00:00.000Z",
    inner: { $$: "undefined" },
  };
  assert.deepEqual(deserialize(serialize(value)), value);
  const proto = JSON.parse('{"__proto__": {"polluted": true}}');
  const out = deserialize<Record<string, unknown>>(serialize(proto));
  assert.ok(Object.hasOwn(out, "__proto__"));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
});

Deno.test("null-prototype objects are plain objects", () => {
  const o = Object.create(null);
  o.x = 1;
  assert.deepEqual(deserialize(serialize({ o })), { o: { x: 1 } });
});

Deno.test("signals are revived as signals holding their value", () => {
  const count = signal(3);
  const double = computed(() => count.value * 2);
  const out = deserialize<{ count: Signal<number>; double: Signal<number> }>(
    serialize({ count, double, nested: [signal({ when: new Date(0) })] }),
  );
  assert.ok(out.count instanceof Signal);
  assert.equal(out.count.value, 3);
  assert.ok(out.double instanceof Signal);
  assert.equal(out.double.value, 6);
  out.double.value = 7; // revived as writable
  const nested = (out as unknown as { nested: Signal<{ when: Date }>[] })
    .nested;
  assert.ok(nested[0].value.when instanceof Date);
});

Deno.test("one encoder/decoder pair keeps shared signals shared", () => {
  const shared = signal(1);
  const encoder = new Encoder();
  const first = encoder.encode({ s: shared, again: shared });
  const second = encoder.encode({ s: shared });
  const wire = JSON.parse(JSON.stringify([first, second]));
  const decoder = new Decoder();
  const [a, b] = wire.map((v: never) => decoder.decode(v)) as {
    s: Signal<number>;
    again?: Signal<number>;
  }[];
  assert.equal(a.s, a.again);
  assert.equal(a.s, b.s);
  assert.equal(a.s.value, 1);
  // A reference decoded before its definition still resolves to one signal.
  const reversed = new Decoder();
  const bFirst = reversed.decode(wire[1]) as { s: Signal<number> };
  const aLater = reversed.decode(wire[0]) as { s: Signal<number> };
  assert.equal(bFirst.s, aLater.s);
  assert.equal(bFirst.s.value, 1);
});

Deno.test("unsupported values throw with their path", () => {
  const cases: [unknown, RegExp][] = [
    [{ a: { onClick: () => {} } }, /value\.a\.onClick is a function/],
    [{ list: [1, new Map()] }, /value\.list\[1\] is a Map/],
    [{ s: Symbol("x") }, /value\.s is a symbol/],
    [{ u: new URL("http://x") }, /value\.u is an instance of URL/],
    [{ "odd key": new Set() }, /value\["odd key"\] is a Set/],
    [{ el: h("div", null) }, /value\.el is a JSX element/],
    [{ el: { type: "div", props: {}, constructor: undefined } }, /JSX/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => serialize(value), (error: unknown) => {
      assert.ok(error instanceof SerializeError);
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("circular references throw, repeated objects do not", () => {
  const a: Record<string, unknown> = { name: "a" };
  a.self = a;
  assert.throws(() => serialize(a), /value\.self is a circular reference/);
  const shared = { x: 1 };
  assert.deepEqual(deserialize(serialize([shared, shared])), [shared, shared]);
});

Deno.test("unknown tags are rejected", () => {
  assert.throws(() => deserialize('{"$$":"Evil"}'), /unknown tag "Evil"/);
});
