/**
 * Island props serializer: JSON plus the types islands need, safe to embed in
 * `<script type="application/json">`.
 *
 * Supported values: `null`, booleans, strings, numbers (including `NaN`,
 * `±Infinity`, `-0`), `undefined` (as an object value, array element or the
 * whole value), `bigint`, `Date` (invalid dates too), arrays (any `Array.isArray`
 * value, e.g. a postgres.js result), plain objects (prototype `Object.prototype`
 * or `null`), and signals from `@preact/signals` (including `computed`).
 *
 * Signals are serialized as their current value and **revived as writable
 * signals** (`signal(value)`), so an island's props have the same type on the
 * server and in the browser. A signal passed several times in one encoder run
 * (e.g. to two islands on the same page) is revived as one shared signal: islands
 * that share a signal on the server share it in the browser. A `computed` signal
 * is revived as a plain writable signal holding its value.
 *
 * Anything else (functions, symbols, Map/Set, class instances, JSX elements,
 * circular references) throws a {@link SerializeError} naming the path of the
 * offending value, so a bad prop fails at render time instead of in the browser.
 *
 * Wire format: plain JSON, where an object with the key `"$$"` is a tag:
 * `{"$$":"undefined"}`, `{"$$":"Date","v":"2024-…Z"|null}`,
 * `{"$$":"Number","v":"NaN"|"Infinity"|"-Infinity"|"-0"}`,
 * `{"$$":"BigInt","v":"123"}`, `{"$$":"Signal","i":0,"v":…}`,
 * `{"$$":"SignalRef","i":0}` and `{"$$":"Object","v":{…}}` (a user object that
 * itself has a `"$$"` key, escaped so it cannot be mistaken for a tag).
 *
 * Escaping: {@link escapeJsonForScript} replaces `<`, `>`, `&`, U+2028 and
 * U+2029 by `\uXXXX` escapes. These characters can only occur inside JSON
 * strings, so the result is still the same JSON, and neither `</script>` nor
 * `<!--` can appear in the page.
 *
 * ```ts
 * const text = escapeJsonForScript(JSON.stringify(new Encoder().encode({ when: new Date() }))); // embed as-is
 * const value = new Decoder().decode(JSON.parse(text)) as { when: Date };
 * ```
 *
 * @module
 */

import { Signal, signal } from "@preact/signals";
import { isValidElement } from "preact";

/** A JSON value as produced by {@link Encoder.encode}. */
export type Json =
  | null
  | boolean
  | number
  | string
  | Json[]
  | { [key: string]: Json };

/** Thrown for a value that cannot be sent to the browser. */
export class SerializeError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = "SerializeError";
  }
}

const TAG = "$$";

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isVNode(value: object): boolean {
  return isValidElement(value) ||
    (Object.hasOwn(value, "constructor") && "type" in value &&
      "props" in value);
}

function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (value instanceof Map) return "a Map";
  if (value instanceof Set) return "a Set";
  if (value instanceof RegExp) return "a RegExp";
  if (typeof value === "object" && value !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor
      ?.name;
    return name ? `an instance of ${name}` : "a non-plain object";
  }
  return typeof value;
}

/**
 * Encodes values into JSON-compatible trees. One encoder keeps signal
 * identity across all the values it encodes (use one per page).
 */
export class Encoder {
  #signals = new Map<Signal<unknown>, number>();
  #stack: object[] = [];

  /** Encodes `value`; `path` only names the value in error messages. */
  encode(value: unknown, path = "value"): Json {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (Number.isNaN(value)) return { [TAG]: "Number", v: "NaN" };
        if (value === Infinity) return { [TAG]: "Number", v: "Infinity" };
        if (value === -Infinity) return { [TAG]: "Number", v: "-Infinity" };
        if (Object.is(value, -0)) return { [TAG]: "Number", v: "-0" };
        return value;
      case "undefined":
        return { [TAG]: "undefined" };
      case "bigint":
        return { [TAG]: "BigInt", v: value.toString() };
      case "object":
        if (value === null) return null;
        return this.#encodeObject(value, path);
      default:
        throw new SerializeError(
          `${path} is ${describe(value)}, which cannot be serialized`,
          path,
        );
    }
  }

  #encodeObject(value: object, path: string): Json {
    if (value instanceof Date) {
      const time = value.getTime();
      return {
        [TAG]: "Date",
        v: Number.isNaN(time) ? null : value.toISOString(),
      };
    }
    if (value instanceof Signal) {
      const known = this.#signals.get(value);
      if (known !== undefined) return { [TAG]: "SignalRef", i: known };
      const id = this.#signals.size;
      this.#signals.set(value, id);
      return { [TAG]: "Signal", i: id, v: this.encode(value.peek(), path) };
    }
    if (this.#stack.includes(value)) {
      throw new SerializeError(`${path} is a circular reference`, path);
    }
    this.#stack.push(value);
    try {
      if (Array.isArray(value)) {
        const out: Json[] = [];
        for (let i = 0; i < value.length; i++) {
          out.push(this.encode(value[i], `${path}[${i}]`));
        }
        return out;
      }
      if (!isPlainObject(value) || isVNode(value)) {
        const hint = isVNode(value)
          ? "a JSX element (islands cannot receive JSX as props or children)"
          : `${describe(value)} (only plain objects, arrays, Date and signals are supported)`;
        throw new SerializeError(
          `${path} is ${hint}, which cannot be serialized`,
          path,
        );
      }
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(value)) {
        const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
        out[key] = this.encode(value[key], child);
      }
      return Object.hasOwn(value, TAG) ? { [TAG]: "Object", v: out } : out;
    } finally {
      this.#stack.pop();
    }
  }
}

/**
 * Decodes trees produced by {@link Encoder}. One decoder shares revived
 * signals between all the values it decodes (use one per page).
 */
export class Decoder {
  #signals = new Map<number, Signal<unknown>>();

  decode(value: Json): unknown {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => this.decode(v));
    if (!Object.hasOwn(value, TAG)) return this.#decodeEntries(value);
    const tag = value[TAG];
    switch (tag) {
      case "undefined":
        return undefined;
      case "Date":
        return new Date(value.v === null ? NaN : String(value.v));
      case "Number":
        return value.v === "-0" ? -0 : Number(value.v);
      case "BigInt":
        return BigInt(String(value.v));
      case "Signal": {
        const s = this.#signal(Number(value.i));
        s.value = this.decode(value.v);
        return s;
      }
      case "SignalRef":
        return this.#signal(Number(value.i));
      case "Object":
        return this.#decodeEntries(value.v as { [key: string]: Json });
      default:
        throw new SerializeError(
          `unknown tag ${JSON.stringify(tag)}`,
          "value",
        );
    }
  }

  // A reference may be read before its definition if key order changed in
  // transit; creating the signal on first sight keeps identity either way.
  #signal(id: number): Signal<unknown> {
    let s = this.#signals.get(id);
    if (!s) {
      s = signal<unknown>(undefined);
      this.#signals.set(id, s);
    }
    return s;
  }

  #decodeEntries(value: { [key: string]: Json }): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // defineProperty: a "__proto__" key stays an own data property.
      Object.defineProperty(out, key, {
        value: this.decode(value[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
}

const UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * Makes JSON text safe inside `<script type="application/json">` (and inside
 * JS source): `<`, `>`, `&`, U+2028, U+2029 become `\uXXXX`. The result parses
 * to the same value.
 */
export function escapeJsonForScript(json: string): string {
  return json.replace(
    UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
